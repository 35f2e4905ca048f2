import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import type { Role } from '@quetma/shared';
import { RoleEnum } from '../auth/auth.types';
import { connectionTypes, orderInput } from '../graphql/connection';
import type { AuditEntryRow } from './audit.service';

@ObjectType({
  description:
    'One use of a mutation or of a person-level look-up: who, what, when, from where, and how it ended.',
})
export class AuditEntry {
  @Field(() => ID)
  id!: string;

  @Field(() => DateTimeResolver)
  at!: Date;

  @Field(() => String, { description: 'USER, API_KEY or ANONYMOUS (a failed login, say).' })
  actorKind!: string;

  @Field(() => ID, { nullable: true, description: 'The user or API key; none when anonymous.' })
  actorId!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The user's email or the key's name, as it was then.",
  })
  actorLabel!: string | null;

  @Field(() => RoleEnum, { nullable: true })
  role!: Role | null;

  @Field(() => String, { description: 'The GraphQL field, e.g. `Mutation.registerVenue`.' })
  action!: string;

  @Field(() => JSONResolver, {
    description: 'The arguments, with secrets and personal data replaced by "[REDACTED]".',
  })
  arguments!: Record<string, unknown>;

  @Field(() => String, { nullable: true, description: "The caller's network address." })
  address!: string | null;

  @Field(() => String, {
    description: 'OK, or the error code it ended with (FORBIDDEN, BAD_USER_INPUT…).',
  })
  outcome!: string;
}

export const { Connection: AuditLogConnection, TotalCountResolver: AuditLogConnectionResolver } =
  connectionTypes<AuditEntryRow>({
    node: AuditEntry,
    edge: 'AuditEntryEdge',
    connection: 'AuditLogConnection',
    description:
      'A page of the audit log, newest first unless orderBy says otherwise (Relay connection).',
    totalCountDescription: 'Entries matching the filter, over all pages.',
  });

@InputType({ description: 'Which audit entries to list; every given condition must hold.' })
export class AuditLogFilter {
  @Field(() => ID, { nullable: true, description: 'A user or API key id.' })
  actorId?: string;

  @Field(() => String, { nullable: true, description: 'e.g. `Mutation.login`.' })
  action?: string;

  @Field(() => String, { nullable: true, description: 'OK or an error code.' })
  outcome?: string;

  @Field(() => DateTimeResolver, { nullable: true, description: 'From this instant, inclusive.' })
  from?: Date;

  @Field(() => DateTimeResolver, { nullable: true, description: 'Before this instant.' })
  to?: Date;
}

export enum AuditLogOrderField {
  AT = 'AT',
}
registerEnumType(AuditLogOrderField, {
  name: 'AuditLogOrderField',
  description:
    'Sort keys for the audit log; entries of one instant follow in the order they were written.',
});

export const AuditLogOrder = orderInput('AuditLogOrder', AuditLogOrderField);
