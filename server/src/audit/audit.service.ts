import type { Role } from '@quetma/shared';
import type { Identity } from '../auth/identity';
import { queryRows, type HasConnection } from '../db/sql';
import { OrderDirection } from '../graphql/connection';
import { badInput } from '../graphql/errors';
import type { ListDefinition } from '../graphql/list-query';
import { isUuid } from '../graphql/ids';
import { storableText } from '../protection/text-input';
import { AuditLogOrderField, type AuditLogFilter } from './audit.types';

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

/**
 * `Query.auditLog`, newest first by default, keyset-paged on (at, id) so that entries written
 * meanwhile never shift a page; within one instant the later entry (the larger id) comes first.
 */
export const AUDIT_LOG_LIST: ListDefinition<AuditEntryRow, AuditLogFilter, AuditLogOrderField> = {
  name: 'auditLog',
  from: 'audit_log',
  columns: `id::text as id, at, actor_kind as "actorKind", actor_id as "actorId", actor_label as "actorLabel",
    role, action, arguments, address, outcome`,
  filters: {
    actorId: (actorId, param) => {
      if (!isUuid(actorId))
        throw badInput('actorId', `is not a user or API key id (a UUID): ${actorId}`);
      return `actor_id = ${param(actorId.toLowerCase(), '::uuid')}`;
    },
    action: (action, param) => (action ? `action = ${param(action)}` : undefined),
    outcome: (outcome, param) => (outcome ? `outcome = ${param(outcome)}` : undefined),
    from: (from, param) => `at >= ${param(from)}`,
    to: (to, param, _context, filter) => {
      if (filter.from && filter.from.getTime() >= to.getTime())
        throw badInput('to', 'must be after from');
      return `at < ${param(to)}`;
    },
  },
  // `at <= …` leads the cursor's condition, so that the index on `at` bounds the scan
  sortKeys: { [AuditLogOrderField.AT]: { sql: 'audit_log.at', type: 'timestamptz' } },
  defaultOrder: [{ field: AuditLogOrderField.AT, direction: OrderDirection.DESC }],
  // qualified: a bare `id` in ORDER BY would sort by the output column, `id::text`, putting 999
  // before 1000 while the cursor compares numbers, so a page boundary there skipped entries
  tiebreak: { sql: 'audit_log.id', type: 'bigint', followsOrder: true },
};
