import { DAY_MS } from '@quetma/shared';
import type { MikroORM } from '@mikro-orm/postgresql';
import { queryRows } from '../db/sql';
import { badInput } from '../graphql/errors';
import {
  canonicalPersonId,
  decryptPersonId,
  hashPersonId,
  PERSON_ID_MAX_LENGTH,
  PERSON_ID_MIN_LENGTH,
} from '../scans/person-identity';
import type { Contact, ExposureReport, Visit } from './exposure.type';

/** A tracing window spans at most this: a case's infectious period, asked in one go. */
export const MAX_WINDOW_DAYS = 30;

/**
 * The longest a visit can last: a check-out later than this after the check-in is taken as a
 * missed one. It bounds how far around a visit the scans are read, so every look-up touches a
 * few days' partitions whatever the table holds; it is also the longest default stay config allows.
 */
export const MAX_VISIT_HOURS = 24;

export interface TracingKeys {
  personHashKey: Buffer;
  personEncryptionKey: Buffer;
  defaultStayMinutes: number;
}

export interface ExposureQuery {
  subject: string;
  from: Date;
  to: Date;
}

const MAX_VISIT = `interval '${MAX_VISIT_HOURS} hours'`;

/**
 * Orders a person's scans latest first, so that "every later scan" is a frame whose head stays
 * put: PostgreSQL then keeps a running minimum instead of recomputing it for every row.
 */
const LATER_SCANS = `order by scanned_at desc, direction, id rows between unbounded preceding and 1 preceding`;

/**
 * How a check-in (a row with `next_out`, the next check-out at the same venue, and `nextIn`,
 * the column holding the next check-in) ends: at that check-out if it comes before the next
 * check-in and within MAX_VISIT_HOURS; else after the default stay ($4 minutes), cut short by
 * the next check-in. An earlier next check-in never makes a visit end later.
 */
const checkedOut = (nextIn: string) =>
  `coalesce(next_out <= coalesce(${nextIn}, 'infinity') and next_out < scanned_at + ${MAX_VISIT}, false)`;
const visitEnd = (nextIn: string) => `case when ${checkedOut(nextIn)} then next_out
  else least(scanned_at + make_interval(mins => $4::int), ${nextIn}) end`;

/**
 * One row per (subject's visit, overlapping visit of someone else), or one row with null
 * contact columns for a visit with nobody else there. The subject's scans are found through
 * scan(person_hash, scanned_at), each venue's around a visit through scan(venue_id,
 * scanned_at), both only in the partitions of the days concerned (pruned at run time for the
 * venue's, whose bounds come from the visit).
 *
 * A visit ends at the person's next check-in anywhere, the subject's and everyone else's:
 * someone who checked in elsewhere during the default stay had left. For the subject it comes
 * from a window over their scans. For the others, the venue's scans give their next check-in
 * there, and so the latest their visit can end; only the check-ins that could then overlap the
 * subject's visit (a few of the venue's dozens) look up the person's next check-in anywhere,
 * through scan(person_hash, scanned_at) within MAX_VISIT_HOURS.
 */
const EXPOSURES_SQL = `
  with subject_scan as (
    select id, venue_id, scanned_at, direction
    from scan
    where person_hash = $1
      and scanned_at >= $2::timestamptz - ${MAX_VISIT} and scanned_at < $3::timestamptz + ${MAX_VISIT}
  ),
  subject_step as (
    select venue_id, scanned_at, direction,
      min(scanned_at) filter (where direction = 'IN') over later as next_in,
      min(scanned_at) filter (where direction = 'OUT') over later_here as next_out
    from subject_scan
    window later as (${LATER_SCANS}), later_here as (partition by venue_id ${LATER_SCANS})
  ),
  subject_visit as (
    select venue_id, scanned_at as started_at, ${visitEnd('next_in')} as ended_at,
      ${checkedOut('next_in')} as checked_out
    from subject_step
    where direction = 'IN' and scanned_at < $3
  )
  select v.venue_id as "venueId", v.started_at as "startedAt", v.ended_at as "endedAt",
    v.checked_out as "checkedOut",
    c.person_hash as "personHash", c.person_encrypted as "personEncrypted",
    c.reports_risk as "reportsRisk",
    greatest(c.started_at, v.started_at) as "overlapStart", least(c.ended_at, v.ended_at) as "overlapEnd"
  from subject_visit v
  left join lateral (
    select person_hash, person_encrypted, reports_risk, started_at, ended_at
    from (
      select person_hash, person_encrypted, reports_risk, scanned_at as started_at,
        ${visitEnd('anywhere.next_in')} as ended_at
      from (
        select id, person_hash, person_encrypted, reports_risk, scanned_at, direction,
          min(scanned_at) filter (where direction = 'IN') over later as next_in_here,
          min(scanned_at) filter (where direction = 'OUT') over later as next_out
        from scan
        where venue_id = v.venue_id and person_hash <> $1
          and scanned_at >= v.started_at - ${MAX_VISIT} and scanned_at < v.ended_at + ${MAX_VISIT}
        window later as (partition by person_hash ${LATER_SCANS})
      ) step
      cross join lateral (
        select min(later.scanned_at) as next_in from scan later
        where later.person_hash = step.person_hash and later.direction = 'IN'
          and later.scanned_at > step.scanned_at and later.scanned_at < step.scanned_at + ${MAX_VISIT}
      ) anywhere
      where direction = 'IN'
        and scanned_at < v.ended_at and ${visitEnd('next_in_here')} > v.started_at
    ) visit
    -- half-open intervals: a visit ending as another begins does not overlap it
    where started_at < v.ended_at and ended_at > v.started_at and ended_at > started_at
  ) c on true
  where v.ended_at > $2 and v.ended_at > v.started_at
  order by v.started_at, v.venue_id`;

interface ExposureRow {
  venueId: string;
  startedAt: Date;
  endedAt: Date;
  checkedOut: boolean;
  personHash: Buffer | null;
  personEncrypted: Buffer | null;
  reportsRisk: boolean | null;
  overlapStart: Date | null;
  overlapEnd: Date | null;
}

/** Checks the arguments; returns the subject in canonical form. Messages never repeat the subject. */
export function checkExposureQuery({ subject, from, to }: ExposureQuery): string {
  const canonical = canonicalPersonId(subject);
  if (canonical.length < PERSON_ID_MIN_LENGTH || canonical.length > PERSON_ID_MAX_LENGTH) {
    throw badInput(
      'subject',
      `must be a phone or ID number of ${PERSON_ID_MIN_LENGTH} to ${PERSON_ID_MAX_LENGTH} characters (spaces, dots, dashes and parentheses aside)`,
    );
  }
  if (to.getTime() <= from.getTime()) throw badInput('to', 'must be after `from`');
  if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * DAY_MS) {
    throw badInput(
      'to',
      `must be at most ${MAX_WINDOW_DAYS} days after \`from\`; trace a longer period in several windows`,
    );
  }
  return canonical;
}

/**
 * The subject's visits that overlap [from, to) and, for each, the other people there at
 * overlapping times, their identifiers decrypted so that tracers can reach them.
 */
export async function traceExposures(
  orm: MikroORM,
  keys: TracingKeys,
  query: ExposureQuery,
): Promise<ExposureReport> {
  const subject = checkExposureQuery(query);
  const rows = await queryRows<ExposureRow>(
    orm,
    EXPOSURES_SQL,
    [hashPersonId(keys.personHashKey, subject), query.from, query.to, keys.defaultStayMinutes],
    'exposures',
  );

  const visits: Visit[] = [];
  const people = new Set<string>();
  for (const row of rows) {
    let visit = visits[visits.length - 1];
    const start = row.startedAt;
    if (!visit || visit.venueId !== row.venueId || visit.start.getTime() !== start.getTime()) {
      visit = {
        venueId: row.venueId,
        start,
        end: row.endedAt,
        checkedOut: row.checkedOut,
        peoplePresent: [],
      };
      visits.push(visit);
    }
    if (!row.personHash || !row.personEncrypted) continue;
    people.add(row.personHash.toString('hex'));
    visit.peoplePresent.push({
      identifier: decryptPersonId(keys.personEncryptionKey, row.personEncrypted),
      overlapStart: row.overlapStart!,
      overlapEnd: row.overlapEnd!,
      reportsRisk: row.reportsRisk ?? false,
    });
  }
  for (const visit of visits) visit.peoplePresent.sort(byOverlap);
  return { subject, from: query.from, to: query.to, visits, contacts: people.size };
}

function byOverlap(a: Contact, b: Contact): number {
  return (
    a.overlapStart.getTime() - b.overlapStart.getTime() ||
    a.overlapEnd.getTime() - b.overlapEnd.getTime() ||
    a.identifier.localeCompare(b.identifier)
  );
}
