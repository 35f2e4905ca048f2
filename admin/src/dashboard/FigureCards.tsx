import { Card, CardContent, Grid, Tooltip, Typography } from '@mui/material';
import { useTranslate } from 'react-admin';
import { useFormatters } from '../i18n/format';
import type { Figures } from './dashboard-query';

const CARDS: { key: keyof Figures; percent?: boolean; hint?: string }[] = [
  { key: 'registeredVenues' },
  { key: 'activeVenues' },
  { key: 'activeRate', percent: true, hint: 'quetma.dashboard.activeRateHint' },
  { key: 'neverScannedVenues' },
  { key: 'dormantVenues' },
  { key: 'scans' },
  { key: 'people' },
];

/** The design's figures for the unit and day, each as the API gives it, formatted only. */
export function FigureCards({ figures }: { figures: Figures }) {
  const translate = useTranslate();
  const format = useFormatters();
  return (
    <Grid container spacing={2}>
      {CARDS.map(({ key, percent, hint }) => {
        const value = figures[key] as number;
        const card = (
          <Card variant="outlined" sx={{ height: '100%' }} data-figure={key}>
            <CardContent>
              <Typography variant="body2" color="text.secondary" noWrap={false}>
                {translate(`quetma.dashboard.${key}`)}
              </Typography>
              <Typography variant="h5" component="p" data-value={value}>
                {percent ? format.percent(value) : format.number(value)}
              </Typography>
            </CardContent>
          </Card>
        );
        return (
          <Grid key={key} size={{ xs: 6, sm: 4, md: 3, lg: 12 / 7 }}>
            {hint ? <Tooltip title={translate(hint)}>{card}</Tooltip> : card}
          </Grid>
        );
      })}
    </Grid>
  );
}
