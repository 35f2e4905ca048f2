import type { MikroORM } from '@mikro-orm/postgresql';
import type { Role } from '@quetma/shared';
import type { Identity } from '../auth/identity';
import { queryRows, type HasConnection } from '../db/sql';
import { encodeCursor, type PageRequest } from '../graphql/connection';
import { badInput } from '../graphql/errors';
import { isUuid } from '../graphql/ids';
import { storableText } from '../protection/text-input';

export interface AuditEntryInput {
  at: Date;
  actorKind: Identity['kind'];
  actorId: string | null;
  actorLabel: string | null;
  role: Role | null;
  /** The GraphQL field, e.g. `Mutation.registerVenue`. */
  action: string;
  /** Already redacted (see redact.ts). */
  arguments: Record<string, unknown>;
  address: string | null;
  /** OK, or the error code the field ended with. */
  outcome: string;
}

/** An entry as stored: the input's fields with its id (actor kinds read back as plain text). */
export interface AuditEntryRow extends Omit<AuditEntryInput, 'actorKind'> {
  id: string;
  actorKind: string;
}

export interface AuditLogFilter {
  actorId?: string | null;
  action?: string | null;
  outcome?: string | null;
  from?: Date | null;
  to?: Date | null;
}

export interface AuditLogPage {
  rows: AuditEntryRow[];
  cursors: string[];
  hasNextPage: boolean;
  countTotal: () => Promise<number>;
}

/** Appends entries in one statement, however many root fields the request had. */
export async function recordAudit(db: HasConnection, entries: AuditEntryInput[]): Promise<void> {
  if (entries.length === 0) return;
  await queryRows(
    db,
    `insert into audit_log (at, actor_kind, actor_id, actor_label, role, action, arguments, address, outcome)
     select * from unnest($1::timestamptz[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[],
                          $7::jsonb[], $8::text[], $9::text[])`,
    [
      entries.map((e) => e.at),
      entries.map((e) => e.actorKind),
      entries.map((e) => e.actorId),
      entries.map((e) => e.actorLabel),
      entries.map((e) => e.role),
      entries.map((e) => e.action),
      // a request refused for a NUL in its text is still logged: jsonb refuses \u0000
      entries.map((e) =>
        JSON.stringify(e.arguments, (_key, value: unknown) =>
          typeof value === 'string' ? storableText(value) : value,
        ),
      ),
      entries.map((e) => e.address),
      entries.map((e) => e.outcome),
    ],
    'audit-log-insert',
  );
}

const COLUMNS = `id::text as id, at, actor_kind as "actorKind", actor_id as "actorId", actor_label as "actorLabel",
  role, action, arguments, address, outcome`;

/** Cursor parts: the timestamp as PostgreSQL prints it (microseconds kept) and the id. */
const CURSOR_AT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/;
const CURSOR_ID = /^\d{1,19}$/;

/** Newest first, keyset-paged on (at, id) so that entries written meanwhile never shift a page. */
export async function listAuditLog(
  orm: MikroORM,
  filter: AuditLogFilter | undefined,
  page: PageRequest,
): Promise<AuditLogPage> {
  const values: unknown[] = [];
  const param = (value: unknown, cast = '') => {
    values.push(value);
    return `$${values.length}${cast}`;
  };
  const conditions = filterConditions(filter ?? {}, param);
  const countValues = [...values];
  const countSql = `select count(*)::int as n from audit_log ${where(conditions)}`;

  if (page.after) {
    const [at, id] = readCursor(page.after);
    const atParam = param(at, '::timestamptz');
    // `at <= …` first, so the index on `at` bounds the scan; the id breaks ties within an instant
    conditions.push(`at <= ${atParam} and (at < ${atParam} or id < ${param(id, '::bigint')})`);
  }
  // qualified: a bare `id` in ORDER BY would sort by the output column, `id::text`, putting 999
  // before 1000 while the cursor compares numbers, so a page boundary there skipped entries
  const sql = `select ${COLUMNS}, at::text as "atKey" from audit_log ${where(conditions)}
    order by audit_log.at desc, audit_log.id desc
    limit ${param(page.first + 1)} offset ${param(page.offset)}`;
  const rows = await queryRows<AuditEntryRow & { atKey: string }>(orm, sql, values);
  const hasNextPage = rows.length > page.first;
  if (hasNextPage) rows.pop();
  return {
    rows: rows.map(({ atKey: _atKey, ...row }) => row),
    cursors: rows.map((row) => encodeCursor([row.atKey, row.id])),
    hasNextPage,
    countTotal: async () => (await queryRows<{ n: number }>(orm, countSql, countValues))[0].n,
  };
}

function filterConditions(
  filter: AuditLogFilter,
  param: (value: unknown, cast?: string) => string,
): string[] {
  const conditions: string[] = [];
  if (filter.actorId) {
    if (!isUuid(filter.actorId))
      throw badInput('filter.actorId', `is not a user or API key id (a UUID): ${filter.actorId}`);
    conditions.push(`actor_id = ${param(filter.actorId.toLowerCase(), '::uuid')}`);
  }
  if (filter.action) conditions.push(`action = ${param(filter.action)}`);
  if (filter.outcome) conditions.push(`outcome = ${param(filter.outcome)}`);
  if (filter.from) conditions.push(`at >= ${param(filter.from)}`);
  if (filter.to) conditions.push(`at < ${param(filter.to)}`);
  if (filter.from && filter.to && filter.from.getTime() >= filter.to.getTime())
    throw badInput('filter.to', 'must be after filter.from');
  return conditions;
}

function readCursor(cursor: unknown[]): [string, string] {
  const [at, id] = cursor;
  if (
    cursor.length !== 2 ||
    typeof at !== 'string' ||
    typeof id !== 'string' ||
    !CURSOR_AT.test(at) ||
    !CURSOR_ID.test(id)
  ) {
    throw badInput('after', 'is not a cursor of the audit log; start again without `after`');
  }
  return [at, id];
}

function where(conditions: string[]): string {
  return conditions.length ? `where ${conditions.join(' and ')}` : '';
}
