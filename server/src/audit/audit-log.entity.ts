import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * Who did what, when, from where: every mutation and every person-level look-up. Arguments are
 * stored with secrets and personal fields redacted. Append-only.
 */
@Entity({ tableName: 'audit_log' })
@Index({ properties: ['at'] })
@Index({ properties: ['actorId', 'at'] })
export class AuditLogEntity {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @Property({ type: 'timestamptz' })
  at!: Date;

  /** USER, API_KEY or ANONYMOUS (a failed login, say). */
  @Property({ type: 'text' })
  actorKind!: string;

  @Property({ type: 'uuid', nullable: true })
  actorId?: string;

  /** Email of the user or name of the key, as it was then. */
  @Property({ type: 'text', nullable: true })
  actorLabel?: string;

  @Property({ type: 'text', nullable: true })
  role?: string;

  /** The GraphQL field, e.g. `Mutation.registerVenue`. */
  @Property({ type: 'text' })
  action!: string;

  @Property({ type: 'jsonb' })
  arguments!: Record<string, unknown>;

  /** The caller's network address. */
  @Property({ type: 'text', nullable: true })
  address?: string;

  /** OK, or the error code it ended with. */
  @Property({ type: 'text' })
  outcome!: string;
}
