import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { readPageArgs } from '../graphql/connection';
import type { GraphQLContext } from '../graphql/context';
import { listAuditLog } from './audit.service';
import { AuditEntry, AuditLogConnection, AuditLogFilter } from './audit.types';

@Resolver(() => AuditEntry)
export class AuditResolver {
  @Query(() => AuditLogConnection, {
    description:
      'Mutations and person-level look-ups, newest first (at most 500 a page). City admins only.',
  })
  async auditLog(
    @Ctx() ctx: GraphQLContext,
    @Arg('filter', () => AuditLogFilter, { nullable: true }) filter?: AuditLogFilter,
    @Arg('first', () => Int, { nullable: true, description: 'Page size: 1 to 500, default 50.' })
    first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<AuditLogConnection> {
    const page = readPageArgs(first, after, 0);
    const result = await listAuditLog(ctx.orm, filter, page);
    return {
      nodes: result.rows,
      edges: result.rows.map((node, i) => ({ node, cursor: result.cursors[i] })),
      pageInfo: {
        hasNextPage: result.hasNextPage,
        hasPreviousPage: Boolean(page.after),
        startCursor: result.cursors[0] ?? null,
        endCursor: result.cursors[result.cursors.length - 1] ?? null,
      },
      countTotal: result.countTotal,
    };
  }
}

@Resolver(() => AuditLogConnection)
export class AuditLogConnectionResolver {
  @FieldResolver(() => Int, { description: 'Entries matching the filter, over all pages.' })
  totalCount(@Root() connection: AuditLogConnection): Promise<number> {
    return connection.countTotal();
  }
}
