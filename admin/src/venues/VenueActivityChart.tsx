import { Card, CardContent, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useRecordContext, useTranslate } from 'react-admin';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { addDays, localDayOf } from '@quetma/shared';
import { apiRequest } from '../api/graphql-request';
import { useFormatters } from '../i18n/format';

const DAYS = 30;

/** The venue's accepted scans on each of the last 30 local days, today included. */
export function VenueActivityChart() {
  const record = useRecordContext<{ id: string }>();
  const translate = useTranslate();
  const format = useFormatters();
  const to = localDayOf(new Date());
  const from = addDays(to, -(DAYS - 1));
  const activity = useQuery({
    queryKey: ['venue-activity', record?.id, from, to],
    enabled: !!record,
    queryFn: () =>
      apiRequest<{ venue: { activity: { date: string; scans: number }[] } | null }>(
        `query Activity($id: ID!, $from: Date!, $to: Date!) { venue(id: $id) { activity(from: $from, to: $to) { date scans } } }`,
        { id: record!.id, from, to },
      ),
  });
  const days = activity.data?.venue?.activity ?? [];
  const empty = !activity.isPending && days.every((d) => d.scans === 0);
  return (
    <Card variant="outlined">
      <CardContent>
        <Typography variant="h6">{translate('resources.venues.show.activity')}</Typography>
        <Typography variant="body2" color="text.secondary" gutterBottom>
          {translate('resources.venues.show.days', { days: DAYS })}
        </Typography>
        {empty ? (
          <Typography sx={{ py: 4 }} color="text.secondary">
            {translate('resources.venues.show.noScans')}
          </Typography>
        ) : (
          <ResponsiveContainer width="100%" height={220}>
            <BarChart data={days} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="date" tickFormatter={format.shortDay} minTickGap={16} />
              <YAxis allowDecimals={false} tickFormatter={format.number} width={48} />
              <Tooltip
                labelFormatter={(day) => format.day(String(day))}
                formatter={(value) => [
                  format.number(Number(value)),
                  translate('resources.venues.show.scans'),
                ]}
              />
              <Bar dataKey="scans" fill="#0b5394" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        )}
      </CardContent>
    </Card>
  );
}
