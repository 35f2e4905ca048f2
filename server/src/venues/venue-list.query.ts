import { addDays, foldForSearch, localDayOf, localDayStart, unitLevelOfCode } from '@quetma/shared';
import type { MikroORM } from '@mikro-orm/postgresql';
import { queryRows } from '../db/sql';
import { unitOverlapsScope } from '../auth/area-scope';
import type { AreaScope } from '../auth/identity';
import type { AreaDirectory } from '../areas/area-directory';
import { badInput, forbidden } from '../graphql/errors';
import { encodeCursor, type PageRequest } from '../graphql/connection';
import { OrderDirection, VenueOrderField, type VenueFilter, type VenueOrder } from './venue.input';
import type { VenueRow } from './venue.type';
import { VENUE_COLUMNS, VENUE_FROM, VENUE_UNIT_COLUMN } from './venue-columns';

/** SQL for each sort key, and how its value travels in a cursor (text, cast back on reading). */
const SORT_KEYS: Record<VenueOrderField, { sql: string; cast: string }> = {
  [VenueOrderField.NAME]: { sql: 'v.name_sort collate "C"', cast: 'text' },
  [VenueOrderField.REGISTERED_AT]: { sql: 'v.registered_at', cast: 'timestamptz' },
  // never-scanned venues sort as the oldest, so ASC lists them first
  [VenueOrderField.LAST_SCAN_AT]: {
    sql: `coalesce(a.last_scan_at, '-infinity'::timestamptz)`,
    cast: 'timestamptz',
  },
  [VenueOrderField.WARD_CODE]: { sql: 'v.ward_code collate "C"', cast: 'text' },
};

interface SortKey {
  sql: string;
  cast: string;
  descending: boolean;
}

export interface VenuePage {
  rows: VenueRow[];
  cursors: string[];
  hasNextPage: boolean;
  countTotal: () => Promise<number>;
}

/**
 * One page of venues in one statement (plus a count only when asked). Filters use the
 * denormalised unit columns and the trigram index; paging is keyset on the sort keys and id,
 * with OFFSET on top for page-based clients.
 */
export async function listVenues(
  orm: MikroORM,
  areas: AreaDirectory,
  filter: VenueFilter | undefined,
  orderBy: VenueOrder[] | undefined,
  page: PageRequest,
  now: Date,
  scope: AreaScope | undefined,
): Promise<VenuePage> {
  const values: unknown[] = [];
  const param = (value: unknown, cast = '') => {
    values.push(value);
    return `$${values.length}${cast}`;
  };
  const conditions = filterConditions(areas, filter ?? {}, now, param, scope);
  // an officer's list is their district's or ward's, whatever the filter says
  if (scope) conditions.push(`v.${VENUE_UNIT_COLUMN[scope.level]} = ${param(scope.code)}`);
  const countValues = [...values];
  const countSql = `select count(*)::int as n from ${VENUE_FROM} ${where(conditions)}`;

  const keys = sortKeys(orderBy);
  const ordering = orderingSignature(orderBy);
  if (page.after) conditions.push(keysetCondition(keys, ordering, page.after, param));
  const keyColumns = keys.map((k, i) => `(${k.sql})::text as "k${i}"`).join(', ');
  const orderSql = keys.map((k) => `${k.sql} ${k.descending ? 'desc' : 'asc'}`).join(', ');
  const sql = `select ${VENUE_COLUMNS}, ${keyColumns} from ${VENUE_FROM} ${where(conditions)}
    order by ${orderSql} limit ${param(page.first + 1)} offset ${param(page.offset)}`;

  const rows = await queryRows<VenueRow & Record<string, string>>(orm, sql, values);
  const hasNextPage = rows.length > page.first;
  if (hasNextPage) rows.pop();
  return {
    rows,
    cursors: rows.map((row) => encodeCursor([ordering, ...keys.map((_, i) => row[`k${i}`])])),
    hasNextPage,
    countTotal: async () => (await queryRows<{ n: number }>(orm, countSql, countValues))[0].n,
  };
}

function where(conditions: string[]): string {
  return conditions.length ? `where ${conditions.join(' and ')}` : '';
}

function filterConditions(
  areas: AreaDirectory,
  filter: VenueFilter,
  now: Date,
  param: (value: unknown, cast?: string) => string,
  scope: AreaScope | undefined,
): string[] {
  const conditions: string[] = [];
  if (filter.unitCode) {
    const level = unitLevelOfCode(filter.unitCode);
    if (!level || !areas.find(filter.unitCode, level)) {
      throw badInput('unitCode', `no city, district or ward has the code ${filter.unitCode}`);
    }
    conditions.push(`v.${VENUE_UNIT_COLUMN[level]} = ${param(filter.unitCode)}`);
    if (!unitOverlapsScope(areas, scope, filter.unitCode)) {
      throw forbidden(`unitCode ${filter.unitCode} is outside your area.`);
    }
  }
  if (filter.category) conditions.push(`v.category = ${param(filter.category)}`);
  if (filter.status) conditions.push(`v.status = ${param(filter.status)}`);
  if (filter.search) {
    // every word must appear, in any order; LIKE wildcards in the input match literally
    for (const word of foldForSearch(filter.search).split(' ').filter(Boolean)) {
      conditions.push(
        `v.search_text like ${param(`%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)}`,
      );
    }
  }
  if (filter.scanStatus) {
    const windowStart = localDayStart(addDays(localDayOf(now), -6));
    if (filter.scanStatus === 'NEVER_SCANNED') conditions.push('a.venue_id is null');
    else if (filter.scanStatus === 'DORMANT')
      conditions.push(`a.last_scan_at < ${param(windowStart)}`);
    else conditions.push(`a.last_scan_at >= ${param(windowStart)}`);
  }
  return conditions;
}

/** Names the ordering inside each cursor, so a cursor cannot be replayed under another one. */
function orderingSignature(orderBy: VenueOrder[] | undefined): string {
  return (
    (orderBy ?? []).map((o) => `${o.field}:${o.direction ?? OrderDirection.ASC}`).join(',') ||
    `${VenueOrderField.NAME}:ASC`
  );
}

function sortKeys(orderBy: VenueOrder[] | undefined): SortKey[] {
  const requested = orderBy?.length
    ? orderBy
    : [{ field: VenueOrderField.NAME, direction: OrderDirection.ASC }];
  const seen = new Set<VenueOrderField>();
  const keys: SortKey[] = [];
  for (const order of requested) {
    if (seen.has(order.field)) throw badInput('orderBy', `sorts by ${order.field} twice`);
    seen.add(order.field);
    keys.push({ ...SORT_KEYS[order.field], descending: order.direction === OrderDirection.DESC });
  }
  keys.push({ sql: 'v.id', cast: 'uuid', descending: false });
  return keys;
}

/** What a cursor value of each type may look like, checked before PostgreSQL casts it. */
const CURSOR_VALUE: Record<string, RegExp> = {
  text: /^[\s\S]{0,400}$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  timestamptz: /^(-infinity|\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?)$/,
};

/** Rows strictly after the cursor's row in the sort order, for any mix of directions. */
function keysetCondition(
  keys: SortKey[],
  ordering: string,
  [cursorOrdering, ...cursor]: unknown[],
  param: (value: unknown, cast?: string) => string,
): string {
  if (cursorOrdering !== ordering) {
    throw badInput(
      'after',
      `was given out for another orderBy (${String(cursorOrdering)}); start again without \`after\``,
    );
  }
  if (
    cursor.length !== keys.length ||
    cursor.some((value, i) => !CURSOR_VALUE[keys[i].cast].test(String(value)))
  ) {
    throw badInput(
      'after',
      'belongs to another ordering or is damaged; start again without `after`',
    );
  }
  const placeholders = keys.map((k, i) => param(cursor[i], `::${k.cast}`));
  const alternatives = keys.map((key, i) => {
    const equalBefore = keys.slice(0, i).map((k, j) => `${k.sql} = ${placeholders[j]}`);
    return [...equalBefore, `${key.sql} ${key.descending ? '<' : '>'} ${placeholders[i]}`].join(
      ' and ',
    );
  });
  return `(${alternatives.map((a) => `(${a})`).join(' or ')})`;
}
