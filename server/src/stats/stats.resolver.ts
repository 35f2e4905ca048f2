import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { unitLevelOfCode, type UnitLevel } from '@quetma/shared';
import type { GraphQLContext } from '../graphql/context';
import { badInput, notFound } from '../graphql/errors';
import { DateScalar } from '../graphql/scalars';
import { ComplianceStats } from './compliance-stats.type';
import {
  checkStatsDay,
  MAX_SERIES_DAYS,
  seriesComplexity,
  seriesDays,
  STATS_COMPLEXITY,
} from './stats-day';

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
    const level = levelOfUnit(ctx, unitCode);
    checkStatsDay(date, ctx.now(), 'date');
    return ctx.loaders.complianceStats.load({ level, code: unitCode, day: date });
  }

  @Query(() => [ComplianceStats], {
    description: `Figures of any unit for each local day from \`from\` to \`to\`, both included (at most ${MAX_SERIES_DAYS} days, not after today): each day's are its \`complianceStats\`.`,
    complexity: seriesComplexity(STATS_COMPLEXITY),
  })
  complianceSeries(
    @Arg('unitCode', () => ID) unitCode: string,
    @Arg('from', () => DateScalar) from: string,
    @Arg('to', () => DateScalar) to: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ComplianceStats[]> {
    const level = levelOfUnit(ctx, unitCode);
    return Promise.all(
      seriesDays(from, to, ctx.now()).map((day) =>
        ctx.loaders.complianceStats.load({ level, code: unitCode, day }),
      ),
    );
  }
}

/** The level of a unit that exists, or the error naming `unitCode`. */
function levelOfUnit(ctx: GraphQLContext, unitCode: string): UnitLevel {
  const level = unitLevelOfCode(unitCode);
  if (!level)
    throw badInput('unitCode', `${JSON.stringify(unitCode)} is not a GSO code of 2, 3 or 5 digits`);
  if (!ctx.areas.find(unitCode, level))
    throw notFound(`No administrative unit has the code ${unitCode}.`, 'unitCode');
  return level;
}
