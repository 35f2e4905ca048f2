import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { unitLevelOfCode } from '@quetma/shared';
import type { GraphQLContext } from '../graphql/context';
import { badInput, notFound } from '../graphql/errors';
import { DateScalar } from '../graphql/scalars';
import { ComplianceStats } from './compliance-stats.type';
import { checkStatsDay } from './stats-day';

@Resolver()
export class StatsResolver {
  @Query(() => ComplianceStats, {
    description: 'Figures of any unit (city, district or ward) for a local day.',
  })
  complianceStats(
    @Arg('unitCode', () => ID) unitCode: string,
    @Arg('date', () => DateScalar) date: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ComplianceStats> {
    const level = unitLevelOfCode(unitCode);
    if (!level)
      throw badInput(
        'unitCode',
        `${JSON.stringify(unitCode)} is not a GSO code of 2, 3 or 5 digits`,
      );
    if (!ctx.areas.find(unitCode, level))
      throw notFound(`No administrative unit has the code ${unitCode}.`, 'unitCode');
    checkStatsDay(date, ctx.now(), 'date');
    return ctx.loaders.complianceStats.load({ level, code: unitCode, day: date });
  }
}
