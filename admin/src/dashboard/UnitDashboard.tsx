import {
  Alert,
  Box,
  Breadcrumbs,
  Button,
  LinearProgress,
  Link,
  MenuItem,
  Stack,
  TextField,
  Typography,
} from '@mui/material';
import { Title, useTranslate } from 'react-admin';
import { Link as RouterLink, useParams, useSearchParams } from 'react-router-dom';
import { isLocalDay, localDayOf } from '@quetma/shared';
import { errorMessage } from '../common/error-message';
import { useDashboard } from './dashboard-query';
import { FigureCards } from './FigureCards';
import { TrendChart } from './TrendChart';
import { UnitRanking } from './UnitRanking';
import { neverScannedListPath } from './links';

const RANGES = [7, 30, 60, 95];
const DEFAULT_RANGE = 30;

/**
 * A unit's dashboard for a day: its figures, their trend, and the units below it ranked. The day
 * and range live in the address, so a link to the page shows what its sender saw.
 */
export default function UnitDashboard({ unitCode }: { unitCode?: string }) {
  const params = useParams();
  const code = unitCode ?? params.code!;
  const [search, setSearch] = useSearchParams();
  const today = localDayOf(new Date());
  const askedDay = search.get('date');
  const date = askedDay && isLocalDay(askedDay) && askedDay <= today ? askedDay : today;
  const range = RANGES.includes(Number(search.get('range')))
    ? Number(search.get('range'))
    : DEFAULT_RANGE;
  const translate = useTranslate();
  const dashboard = useDashboard(code, date, range);
  const unit = dashboard.data?.unit;

  const setParam = (key: string, value: string) => {
    const next = new URLSearchParams(search);
    next.set(key, value);
    setSearch(next, { replace: true });
  };

  return (
    <Box sx={{ py: 2 }} data-testid="dashboard" data-unit={code} data-date={date}>
      <Title title={translate('quetma.dashboard.title', { unit: unit?.name ?? '…' })} />
      <Stack
        direction={{ xs: 'column', md: 'row' }}
        spacing={2}
        alignItems={{ md: 'center' }}
        sx={{ mb: 2 }}
      >
        <Box sx={{ flex: 1, minWidth: 0 }}>
          <Breadcrumbs>
            {unit?.city && (
              <Link component={RouterLink} to={`/units/${unit.city.code}?date=${date}`}>
                {unit.city.name}
              </Link>
            )}
            {unit?.district && (
              <Link component={RouterLink} to={`/units/${unit.district.code}?date=${date}`}>
                {unit.district.name}
              </Link>
            )}
          </Breadcrumbs>
          <Typography variant="h5" component="h1">
            {unit?.name ?? '…'}
          </Typography>
        </Box>
        <TextField
          type="date"
          size="small"
          label={translate('quetma.dashboard.date')}
          value={date}
          onChange={(e) => isLocalDay(e.target.value) && setParam('date', e.target.value)}
          slotProps={{ inputLabel: { shrink: true }, htmlInput: { max: today } }}
          sx={{ width: 190, flexShrink: 0 }}
        />
        <TextField
          select
          size="small"
          label={translate('quetma.dashboard.range')}
          value={range}
          onChange={(e) => setParam('range', e.target.value)}
          sx={{ width: 170, flexShrink: 0 }}
        >
          {RANGES.map((days) => (
            <MenuItem key={days} value={days}>
              {translate('quetma.dashboard.rangeDays', { days })}
            </MenuItem>
          ))}
        </TextField>
      </Stack>
      {dashboard.isPending && <LinearProgress />}
      {dashboard.isError && (
        <Alert severity="error">
          {translate('quetma.dashboard.failed', {
            reason: errorMessage(translate, dashboard.error),
          })}
        </Alert>
      )}
      {dashboard.data && (
        <Stack spacing={2}>
          <FigureCards figures={dashboard.data.figures} />
          {dashboard.data.figures.registeredVenues === 0 && (
            <Alert severity="info">{translate('quetma.dashboard.noData')}</Alert>
          )}
          <TrendChart series={dashboard.data.series} />
          <Box>
            <Button
              variant="outlined"
              component={RouterLink}
              to={neverScannedListPath(code, dashboard.data.unit.district?.code)}
            >
              {translate('quetma.dashboard.openNeverScanned', { unit: dashboard.data.unit.name })}
            </Button>
          </Box>
          {dashboard.data.children.length > 0 && (
            <UnitRanking items={dashboard.data.children} date={date} parentCode={code} />
          )}
        </Stack>
      )}
    </Box>
  );
}
