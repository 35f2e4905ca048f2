import { useQuery } from '@tanstack/react-query';
import { addDays } from '@quetma/shared';
import { apiRequest } from '../api/graphql-request';
import type { UnitRef } from '../units/units';

export interface Figures {
  date: string;
  registeredVenues: number;
  activeVenues: number;
  neverScannedVenues: number;
  dormantVenues: number;
  scans: number;
  people: number;
  activeRate: number;
}

export interface DashboardData {
  unit: UnitRef & { level: 'CITY' | 'DISTRICT' | 'WARD'; city?: UnitRef; district?: UnitRef };
  figures: Figures;
  series: Pick<Figures, 'date' | 'activeRate' | 'activeVenues' | 'registeredVenues'>[];
  children: (UnitRef & { stats: Figures })[];
}

const FIGURES = `date registeredVenues activeVenues neverScannedVenues dormantVenues scans people activeRate`;

/** One request for the whole page: the figures, the trend and the units below, all for one day. */
const DASHBOARD_QUERY = `query Dashboard($code: ID!, $date: Date!, $from: Date!) {
  figures: complianceStats(unitCode: $code, date: $date) { ${FIGURES} }
  series: complianceSeries(unitCode: $code, from: $from, to: $date) { date activeRate activeVenues registeredVenues }
  unit: administrativeUnit(code: $code) {
    code name level
    ... on City { districts { code name stats(date: $date) { ${FIGURES} } } }
    ... on District { city { code name } wards { code name stats(date: $date) { ${FIGURES} } } }
    ... on Ward { city { code name } district { code name } }
  }
}`;

export function useDashboard(unitCode: string, date: string, rangeDays: number) {
  return useQuery({
    queryKey: ['dashboard', unitCode, date, rangeDays],
    queryFn: async (): Promise<DashboardData> => {
      const data = await apiRequest<any>(DASHBOARD_QUERY, {
        code: unitCode,
        date,
        from: addDays(date, -(rangeDays - 1)),
      });
      const { districts, wards, ...unit } = data.unit;
      return {
        unit,
        figures: data.figures,
        series: data.series,
        children: districts ?? wards ?? [],
      };
    },
  });
}
