import { foldForSearch } from '@quetma/shared';
import { queryRows, type HasConnection } from '../db/sql';
import { badInput } from './errors';
import { isUuid } from './ids';
import {
  DEFAULT_PAGE_SIZE,
  MAX_OFFSET,
  MAX_PAGE_SIZE,
  OrderDirection,
  type Connection,
  type Order,
} from './connection';

/**
 * How a sort key's value travels in a cursor: as PostgreSQL prints it, checked against the
 * pattern of its type before it is cast back, so a damaged cursor is the client's error, not SQL's.
 */
const CURSOR_VALUE = {
  text: /^[\s\S]{0,400}$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  timestamptz: /^(-infinity|\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?)$/,
  bigint: /^\d{1,19}$/,
};
export type SortKeyType = keyof typeof CURSOR_VALUE;

/** An expression to sort by, never null (coalesce a nullable column), and its type. */
export interface SortKey {
  sql: string;
  type: SortKeyType;
}

/** Adds a value to the statement's parameters; returns its placeholder, e.g. `$3::uuid`. */
export type Param = (value: unknown, cast?: string) => string;

/**
 * A condition for each field of a list's filter input, given its value when the client set it
 * (not null): SQL with placeholders from `param`, several (all must hold), or none. Every field
 * must have one. Each refuses a bad value with badInput naming the field.
 */
export type FilterConditions<Filter, Context> = {
  [K in keyof Filter]-?: (
    value: NonNullable<Filter[K]>,
    param: Param,
    context: Context,
    filter: Filter,
  ) => string | string[] | undefined;
};

/**
 * What a list declares; listPage() does the rest (page arguments, keyset cursors, offset, the
 * count). Lists are read with SQL, not the ORM: its hydration halved the venue page's
 * throughput (PERFORMANCE.md). `Row` is what `columns` select: the type of the connection's nodes.
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- Row types listPage's answer
export interface ListDefinition<Row, Filter, Field extends string, Context = void> {
  /** Written into every cursor: a cursor of another list is refused. */
  name: string;
  /** The FROM clause; `columns`, filters and sort keys use its aliases. */
  from: string;
  /** The select list, aliased to the fields of Row (`u.created_at as "createdAt"`). */
  columns: string;
  filters: FilterConditions<Filter, Context>;
  /** Conditions that hold whatever the filter says (an officer's area). */
  always?: (param: Param, context: Context) => string[];
  sortKeys: Record<Field, SortKey>;
  /** When orderBy is absent or empty. */
  defaultOrder: Order<Field>[];
  /**
   * Unique, appended to every order so that rows tying on the sort keys still page exactly once.
   * Ascending, unless `followsOrder`: then in the direction of the last sort key.
   */
  tiebreak: SortKey & { followsOrder?: boolean };
}

export interface ListArgs<Filter, Field extends string> {
  filter?: Filter | null;
  orderBy?: Order<Field>[] | null;
  first?: number | null;
  after?: string | null;
  offset?: number | null;
}

/**
 * A search filter: every word of `search`, folded as the column stores its text (no case, no
 * diacritics: shared/src/search-text.ts), must appear in it, in any order. LIKE's wildcards in
 * the input match literally.
 */
export function searchWords(column: string, search: string, param: Param): string[] {
  return foldForSearch(search)
    .split(' ')
    .filter(Boolean)
    .map((word) => `${column} like ${param(`%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)}`);
}

/** An `ids` filter (react-admin's getMany): UUIDs, at most a page of them. */
export function idsCondition(column: string, ids: string[], param: Param, what: string): string {
  if (ids.length > MAX_PAGE_SIZE) {
    throw badInput('ids', `must hold at most ${MAX_PAGE_SIZE} ids (got ${ids.length})`);
  }
  const bad = ids.find((id) => !isUuid(id));
  if (bad !== undefined) throw badInput('ids', `${JSON.stringify(bad)} is not ${what} id (a UUID)`);
  return `${column} = any(${param(
    ids.map((id) => id.toLowerCase()),
    '::uuid[]',
  )})`;
}

interface OrderKey extends SortKey {
  descending: boolean;
}

/**
 * One page of a list in one statement, and its count in a second only when `totalCount` is asked
 * for. Paging is keyset on the sort keys and the tiebreak (`after`), with OFFSET on top for
 * page-based clients. Errors name the argument at fault.
 */
export async function listPage<Row, Filter, Field extends string, Context>(
  db: HasConnection,
  list: ListDefinition<Row, Filter, Field, Context>,
  args: ListArgs<Filter, Field>,
  context: Context,
): Promise<Connection<Row>> {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badInput(
      'first',
      `must be between 1 and ${MAX_PAGE_SIZE} (got ${first}); page on with \`after\``,
    );
  }
  const offset = args.offset ?? 0;
  if (!Number.isInteger(offset) || offset < 0 || offset > MAX_OFFSET) {
    throw badInput(
      'offset',
      `must be between 0 and ${MAX_OFFSET} (got ${offset}); page further with \`after\``,
    );
  }
  const after = args.after ? decodeCursor(args.after) : undefined;

  const values: unknown[] = [];
  const param: Param = (value, cast = '') => {
    values.push(value);
    return `$${values.length}${cast}`;
  };
  const conditions = filterConditions(list, args.filter ?? undefined, param, context);
  if (list.always) conditions.push(...list.always(param, context));
  const countValues = [...values];
  const countSql = `select count(*)::int as n from ${list.from} ${where(conditions)}`;

  const { keys, ordering } = orderKeys(list, args.orderBy);
  if (after) conditions.push(keysetCondition(list.name, keys, ordering, after, param));
  const keyColumns = keys.map((k, i) => `(${k.sql})::text as "k${i}"`).join(', ');
  const orderSql = keys.map((k) => `${k.sql} ${k.descending ? 'desc' : 'asc'}`).join(', ');
  const sql = `select ${list.columns}, ${keyColumns} from ${list.from} ${where(conditions)}
    order by ${orderSql} limit ${param(first + 1)} offset ${param(offset)}`;

  // the key columns stay on the rows: GraphQL reads only the fields it declares
  const rows = await queryRows<Row & Record<string, string>>(db, sql, values);
  const hasNextPage = rows.length > first;
  if (hasNextPage) rows.pop();
  const cursorOf = (row: Record<string, string>) =>
    encodeCursor([list.name, ordering, ...keys.map((_, i) => row[`k${i}`])]);
  return {
    nodes: rows,
    // made only when asked for: a client reading `nodes` alone needs no cursor but the last
    get edges() {
      return rows.map((node) => ({ node, cursor: cursorOf(node) }));
    },
    pageInfo: {
      hasNextPage,
      hasPreviousPage: Boolean(after) || offset > 0,
      startCursor: rows.length ? cursorOf(rows[0]) : null,
      endCursor: rows.length ? cursorOf(rows[rows.length - 1]) : null,
    },
    countTotal: async () => (await queryRows<{ n: number }>(db, countSql, countValues))[0].n,
  };
}

function filterConditions<Row, Filter, Field extends string, Context>(
  list: ListDefinition<Row, Filter, Field, Context>,
  filter: Filter | undefined,
  param: Param,
  context: Context,
): string[] {
  const conditions: string[] = [];
  if (!filter) return conditions;
  // in the order the list declares them, which is the order their errors are found in
  for (const field of Object.keys(list.filters) as (keyof Filter)[]) {
    const value = filter[field];
    if (value === undefined || value === null) continue;
    const condition = list.filters[field](
      value as NonNullable<typeof value>,
      param,
      context,
      filter,
    );
    if (condition !== undefined) conditions.push(...[condition].flat());
  }
  return conditions;
}

function where(conditions: string[]): string {
  return conditions.length ? `where ${conditions.join(' and ')}` : '';
}

/**
 * The keys to sort by, the tiebreak last, and the ordering's name, which every cursor carries:
 * a cursor is only read back under the ordering that gave it out.
 */
function orderKeys<Row, Filter, Field extends string, Context>(
  list: ListDefinition<Row, Filter, Field, Context>,
  orderBy: Order<Field>[] | null | undefined,
): { keys: OrderKey[]; ordering: string } {
  const requested = orderBy?.length ? orderBy : list.defaultOrder;
  const seen = new Set<Field>();
  const keys: OrderKey[] = [];
  for (const order of requested) {
    if (seen.has(order.field)) throw badInput('orderBy', `sorts by ${order.field} twice`);
    seen.add(order.field);
    keys.push({
      ...list.sortKeys[order.field],
      descending: order.direction === OrderDirection.DESC,
    });
  }
  const { followsOrder, ...tiebreak } = list.tiebreak;
  keys.push({ ...tiebreak, descending: followsOrder ? keys[keys.length - 1].descending : false });
  const ordering = requested
    .map((o) => `${o.field}:${o.direction ?? OrderDirection.ASC}`)
    .join(',');
  return { keys, ordering };
}

/** Cursors are opaque to clients: the list, the ordering and the row's sort keys, as base64url JSON. */
function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: string): unknown[] {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key)) return key;
  } catch {
    // reported below
  }
  throw badInput(
    'after',
    'is not a cursor this API gave out; use a pageInfo.endCursor or edge cursor',
  );
}

/** Rows strictly after the cursor's row in the sort order, for any mix of directions. */
function keysetCondition(
  listName: string,
  keys: OrderKey[],
  ordering: string,
  [cursorList, cursorOrdering, ...cursor]: unknown[],
  param: Param,
): string {
  if (cursorList !== listName) {
    throw badInput(
      'after',
      `was given out by another list, not ${listName}; start again without \`after\``,
    );
  }
  if (cursorOrdering !== ordering) {
    throw badInput(
      'after',
      `was given out for another orderBy (${String(cursorOrdering)}); start again without \`after\``,
    );
  }
  if (
    cursor.length !== keys.length ||
    cursor.some((value, i) => typeof value !== 'string' || !CURSOR_VALUE[keys[i].type].test(value))
  ) {
    throw badInput(
      'after',
      'belongs to another ordering or is damaged; start again without `after`',
    );
  }
  const placeholders = keys.map((k, i) => param(cursor[i], `::${k.type}`));
  const alternatives = keys.map((key, i) => {
    const equalBefore = keys.slice(0, i).map((k, j) => `${k.sql} = ${placeholders[j]}`);
    return [...equalBefore, `${key.sql} ${key.descending ? '<' : '>'} ${placeholders[i]}`].join(
      ' and ',
    );
  });
  // the first key's bound on its own, so that an index on it limits the scan
  const bound = `${keys[0].sql} ${keys[0].descending ? '<=' : '>='} ${placeholders[0]}`;
  return `${bound} and (${alternatives.map((a) => `(${a})`).join(' or ')})`;
}
