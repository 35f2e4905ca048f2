import { addDays, localDayStart, type LocalDay, type UnitLevel } from '@quetma/shared';
import type { MikroORM } from '@mikro-orm/postgresql';
import { WARD_UNITS_SQL } from '../areas/ward-units.sql';
import { queryRows } from '../db/sql';
import { VENUE_UNIT_COLUMN } from '../venues/venue-columns';
import type { ComplianceStats } from './compliance-stats.type';

/**
 * The figures (README 'The figures') for several units of one level on one local day D, in one
 * statement that reads only venues and the rollups kept at ingest, never raw scans. $2/$3 bound
 * the day and $4 is D, the last day of the 7-day dormancy window (D-6 … D); $5 is its first day
 * D-6 as a date, $6 the instant that day starts.
 */
function statsSql(level: UnitLevel): string {
  const column = VENUE_UNIT_COLUMN[level];
  return `
    with registered as (
      select v.id, v.${column} as unit_code, a.first_scan_at
      from venue v
      left join venue_activity a on a.venue_id = v.id
      where v.${column} = any($1::text[])
        and v.registered_at < $3
        and (v.closed_at is null or v.closed_at >= $2)
    ),
    -- rollup rows of the unit's venues only: a ward reads its own venues' rows, not the city's
    today as (
      select d.venue_id, d.scans from venue_day_scans d join registered r on r.id = d.venue_id
      where d.day = $4::date
    ),
    recent as (
      select distinct d.venue_id from venue_day_scans d join registered r on r.id = d.venue_id
      where d.day between $5::date and $4::date
    ),
    venue_figures as (
      select r.unit_code,
        count(*)::int as registered,
        count(today.venue_id)::int as active,
        count(*) filter (where r.first_scan_at is null or r.first_scan_at >= $3)::int as never_scanned,
        count(*) filter (where r.first_scan_at < $6 and recent.venue_id is null)::int as dormant,
        coalesce(sum(today.scans), 0)::int as scans
      from registered r
      left join today on today.venue_id = r.id
      left join recent on recent.venue_id = r.id
      group by r.unit_code
    ),
    -- people are kept per ward (ward_day_person): a larger unit counts its wards' persons once
    people as (
      select m.unit_code, count(distinct p.person_hash)::int as people
      from (${WARD_UNITS_SQL}) as m
      join ward_day_person p on p.day = $4::date and p.ward_code = m.ward_code
      where m.level = '${level}' and m.unit_code = any($1::text[])
      group by m.unit_code
    ),
    -- a day past scan retention has no person rows left; the count taken before they were
    -- deleted is final (retention.ts)
    retired_people as (
      select unit_code, people from unit_day_people
      where unit_code = any($1::text[]) and day = $4::date
    )
    select u.code as "unitCode",
      coalesce(f.registered, 0) as "registeredVenues",
      coalesce(f.active, 0) as "activeVenues",
      coalesce(f.never_scanned, 0) as "neverScannedVenues",
      coalesce(f.dormant, 0) as "dormantVenues",
      coalesce(f.scans, 0) as scans,
      coalesce(r.people, p.people, 0) as people
    from unnest($1::text[]) as u(code)
    left join venue_figures f on f.unit_code = u.code
    left join people p on p.unit_code = u.code
    left join retired_people r on r.unit_code = u.code`;
}

export async function computeComplianceStats(
  orm: MikroORM,
  level: UnitLevel,
  unitCodes: readonly string[],
  day: LocalDay,
): Promise<Map<string, ComplianceStats>> {
  const windowStartDay = addDays(day, -6);
  const rows = await queryRows<Omit<ComplianceStats, 'date' | 'activeRate'>>(
    orm,
    statsSql(level),
    [
      unitCodes,
      localDayStart(day),
      localDayStart(addDays(day, 1)),
      day,
      windowStartDay,
      localDayStart(windowStartDay),
    ],
    `compliance-stats-${level}`,
  );
  return new Map(
    rows.map((row) => [
      row.unitCode,
      {
        ...row,
        date: day,
        activeRate: row.registeredVenues === 0 ? 0 : row.activeVenues / row.registeredVenues,
      },
    ]),
  );
}
