import {
  Card,
  CardContent,
  Link,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { useTranslate } from 'react-admin';
import { Link as RouterLink } from 'react-router-dom';
import { useFormatters } from '../i18n/format';
import type { DashboardData } from './dashboard-query';
import { neverScannedListPath } from './links';
import { levelOfCode } from '../units/units';

/**
 * The districts of the city, or the wards of a district, best active rate first; each name opens
 * that unit's dashboard, its never-scanned count the unit's never-scanned venues.
 */
export function UnitRanking({
  items,
  date,
  parentCode,
}: {
  items: DashboardData['children'];
  date: string;
  parentCode: string;
}) {
  const translate = useTranslate();
  const format = useFormatters();
  const ranked = [...items].sort(
    (a, b) => b.stats.activeRate - a.stats.activeRate || a.name.localeCompare(b.name, 'vi'),
  );
  return (
    <Card variant="outlined">
      <CardContent>
        <Typography variant="h6" gutterBottom>
          {translate('quetma.dashboard.ranking')}
        </Typography>
        <Table size="small" data-testid="unit-ranking">
          <TableHead>
            <TableRow>
              <TableCell>{translate('quetma.dashboard.rank')}</TableCell>
              <TableCell>{translate('quetma.dashboard.unit')}</TableCell>
              <TableCell align="right">{translate('quetma.dashboard.registeredVenues')}</TableCell>
              <TableCell align="right">{translate('quetma.dashboard.activeVenues')}</TableCell>
              <TableCell align="right">{translate('quetma.dashboard.activeRate')}</TableCell>
              <TableCell align="right">
                {translate('quetma.dashboard.neverScannedVenues')}
              </TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {ranked.map((unit, index) => (
              <TableRow key={unit.code} data-unit={unit.code}>
                <TableCell>{index + 1}</TableCell>
                <TableCell>
                  <Link component={RouterLink} to={`/units/${unit.code}?date=${date}`}>
                    {unit.name}
                  </Link>
                </TableCell>
                <TableCell align="right">{format.number(unit.stats.registeredVenues)}</TableCell>
                <TableCell align="right">{format.number(unit.stats.activeVenues)}</TableCell>
                <TableCell align="right">{format.percent(unit.stats.activeRate)}</TableCell>
                <TableCell align="right">
                  <Link
                    component={RouterLink}
                    to={neverScannedListPath(
                      unit.code,
                      levelOfCode(parentCode) === 'DISTRICT' ? parentCode : undefined,
                    )}
                    aria-label={translate('quetma.dashboard.openNeverScanned', { unit: unit.name })}
                  >
                    {format.number(unit.stats.neverScannedVenues)}
                  </Link>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </CardContent>
    </Card>
  );
}
