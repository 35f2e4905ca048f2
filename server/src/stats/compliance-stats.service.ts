import { addDays, localDayStart, type LocalDay, type UnitLevel } from '@quetma/shared';
import type { MikroORM } from '@mikro-orm/postgresql';
import { WARD_UNITS_SQL } from '../areas/ward-units.sql';
import { queryRows } from '../db/sql';
import { VENUE_UNIT_COLUMN } from '../venues/venue-columns';
import type { ComplianceStats } from './compliance-stats.type';

/** A unit of the level asked for, on a local day. */
export interface UnitDay {
  code: string;
  day: LocalDay;
}

export const unitDayKey = ({ code, day }: UnitDay) => `${code}|${day}`;

/**
 * The figures (README 'The figures') of units of one level, each on a local day D of its own
 * (one day of several units, or a series of days of one), in one statement that reads only
 * venues and the rollups kept at ingest, never raw scans. Each (unit, D) asked for is a row of
 * `asked` with D's bounds: the instants D and D+1 start, and the 7-day dormancy window D-6 … D
 * as its first day and the instant that day starts. $7 … $8 are the first and last D asked
 * for, $9 the first window day: the rollups are read in that one range of days.
 */
function statsSql(level: UnitLevel): string {
  const column = VENUE_UNIT_COLUMN[level];
  return `
    with asked as (
      select * from unnest($1::text[], $2::date[], $3::timestamptz[], $4::timestamptz[],
        $5::date[], $6::timestamptz[]) as k(unit_code, day, day_start, next_start, window_day, window_start)
    ),
    registered as (
      select k.unit_code, k.day, k.next_start, k.window_day, k.window_start, v.id, a.first_scan_at
      from asked k
      join venue v on v.${column} = k.unit_code
        and v.registered_at < k.next_start
        and (v.closed_at is null or v.closed_at >= k.day_start)
      left join venue_activity a on a.venue_id = v.id
    ),
    -- rollup rows of the unit's venues only: a ward reads its own venues' rows, not the city's.
    -- A venue is in one unit of a level, so (day, venue) names a registered row.
    today as (
      select r.day, r.id, d.scans from venue_day_scans d
      join registered r on r.id = d.venue_id and r.day = d.day
      where d.day between $7::date and $8::date
    ),
    recent as (
      select distinct r.day, r.id from venue_day_scans d
      join registered r on r.id = d.venue_id and d.day between r.window_day and r.day
      where d.day between $9::date and $8::date
    ),
    venue_figures as (
      select r.unit_code, r.day,
        count(*)::int as registered,
        count(today.id)::int as active,
        count(*) filter (where r.first_scan_at is null or r.first_scan_at >= r.next_start)::int as never_scanned,
        count(*) filter (where r.first_scan_at < r.window_start and recent.id is null)::int as dormant,
        coalesce(sum(today.scans), 0)::int as scans
      from registered r
      left join today on today.day = r.day and today.id = r.id
      left join recent on recent.day = r.day and recent.id = r.id
      group by r.unit_code, r.day
    ),
    -- people are kept per ward (ward_day_person): a larger unit counts its wards' persons once
    people as (
      select k.unit_code, k.day, count(distinct p.person_hash)::int as people
      from asked k
      join (${WARD_UNITS_SQL}) as m on m.unit_code = k.unit_code
      join ward_day_person p on p.day = k.day and p.ward_code = m.ward_code
      where m.level = '${level}' and m.unit_code = any($1::text[])
      group by k.unit_code, k.day
    ),
    -- a day past scan retention has no person rows left; the count taken before they were
    -- deleted is final (retention.ts)
    retired_people as (
      select k.unit_code, k.day, u.people from asked k
      join unit_day_people u on u.unit_code = k.unit_code and u.day = k.day
    )
    select k.unit_code as "unitCode", k.day::text as date,
      coalesce(f.registered, 0) as "registeredVenues",
      coalesce(f.active, 0) as "activeVenues",
      coalesce(f.never_scanned, 0) as "neverScannedVenues",
      coalesce(f.dormant, 0) as "dormantVenues",
      coalesce(f.scans, 0) as scans,
      coalesce(r.people, p.people, 0) as people
    from asked k
    left join venue_figures f on f.unit_code = k.unit_code and f.day = k.day
    left join people p on p.unit_code = k.unit_code and p.day = k.day
    left join retired_people r on r.unit_code = k.unit_code and r.day = k.day`;
}

/** The figures of each (unit, day) asked for, by unitDayKey; the units all of `level`. */
export async function computeComplianceStats(
  orm: MikroORM,
  level: UnitLevel,
  unitDays: readonly UnitDay[],
): Promise<Map<string, ComplianceStats>> {
  // each pair once: a pair twice in `asked` would count its venues twice
  const asked = [...new Map(unitDays.map((u) => [unitDayKey(u), u])).values()];
  if (asked.length === 0) return new Map();
  const days = asked.map((u) => u.day).sort();
  const windowDay = (day: LocalDay) => addDays(day, -6);
  const rows = await queryRows<Omit<ComplianceStats, 'activeRate'>>(
    orm,
    statsSql(level),
    [
      asked.map((u) => u.code),
      asked.map((u) => u.day),
      asked.map((u) => localDayStart(u.day)),
      asked.map((u) => localDayStart(addDays(u.day, 1))),
      asked.map((u) => windowDay(u.day)),
      asked.map((u) => localDayStart(windowDay(u.day))),
      days[0],
      days[days.length - 1],
      windowDay(days[0]),
    ],
    `compliance-stats-${level}`,
  );
  return new Map(
    rows.map((row) => [
      unitDayKey({ code: row.unitCode, day: row.date }),
      {
        ...row,
        activeRate: row.registeredVenues === 0 ? 0 : row.activeVenues / row.registeredVenues,
      },
    ]),
  );
}
