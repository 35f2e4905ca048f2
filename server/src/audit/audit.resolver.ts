import { Arg, Args, Ctx, Query, Resolver } from 'type-graphql';
import { PageArgs, pageComplexity, type Connection, type Order } from '../graphql/connection';
import type { GraphQLContext } from '../graphql/context';
import { listPage } from '../graphql/list-query';
import { AUDIT_LOG_LIST, type AuditEntryRow } from './audit.service';
import {
  AuditEntry,
  AuditLogConnection,
  AuditLogFilter,
  AuditLogOrder,
  type AuditLogOrderField,
} from './audit.types';

@Resolver(() => AuditEntry)
export class AuditResolver {
  @Query(() => AuditLogConnection, {
    complexity: pageComplexity,
    description:
      'Mutations and person-level look-ups, newest first by default (at most 500 a page). City admins only.',
  })
  auditLog(
    @Ctx() ctx: GraphQLContext,
    @Args(() => PageArgs, { validate: false }) page: PageArgs,
    @Arg('filter', () => AuditLogFilter, { nullable: true }) filter?: AuditLogFilter,
    @Arg('orderBy', () => [AuditLogOrder], { nullable: true })
    orderBy?: Order<AuditLogOrderField>[],
  ): Promise<Connection<AuditEntryRow>> {
    return listPage(ctx.orm, AUDIT_LOG_LIST, { ...page, filter, orderBy }, undefined);
  }
}
