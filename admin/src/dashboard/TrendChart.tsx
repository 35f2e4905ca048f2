import { Card, CardContent, Typography } from '@mui/material';
import { useTranslate } from 'react-admin';
import {
  CartesianGrid,
  ComposedChart,
  Bar,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { useFormatters } from '../i18n/format';
import type { DashboardData } from './dashboard-query';

/** Active venues (bars, left axis) and the active rate (line, right axis) for each day of the range. */
export function TrendChart({ series }: { series: DashboardData['series'] }) {
  const translate = useTranslate();
  const format = useFormatters();
  const rateLabel = translate('quetma.dashboard.activeRate');
  const activeLabel = translate('quetma.dashboard.activeVenues');
  return (
    <Card variant="outlined" data-testid="trend-chart">
      <CardContent>
        <Typography variant="h6" gutterBottom>
          {translate('quetma.dashboard.trend')}
        </Typography>
        <ResponsiveContainer width="100%" height={280}>
          <ComposedChart data={series} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="date" tickFormatter={format.shortDay} minTickGap={16} />
            <YAxis
              yAxisId="venues"
              allowDecimals={false}
              tickFormatter={format.number}
              width={56}
            />
            <YAxis
              yAxisId="rate"
              orientation="right"
              domain={[0, 'auto']}
              tickFormatter={(v) => format.percent(Number(v))}
              width={56}
            />
            {/* the items in the text colour too: recharts colours each like its series */}
            <Tooltip
              itemStyle={{ color: '#333' }}
              labelFormatter={(day) => format.day(String(day))}
              formatter={(value, name) =>
                name === rateLabel ? format.percent(Number(value)) : format.number(Number(value))
              }
            />
            {/* the legend's words in the text colour: the bars' light blue is too pale to read */}
            <Legend formatter={(value) => <span style={{ color: '#333' }}>{value}</span>} />
            <Bar
              yAxisId="venues"
              dataKey="activeVenues"
              name={activeLabel}
              fill="#90caf9"
              isAnimationActive={false}
            />
            <Line
              yAxisId="rate"
              dataKey="activeRate"
              name={rateLabel}
              stroke="#0b5394"
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
            />
          </ComposedChart>
        </ResponsiveContainer>
      </CardContent>
    </Card>
  );
}
