import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root, type ClassType } from 'type-graphql';
import { HANOI_CODE, type UnitLevel } from '@quetma/shared';
import type { GraphQLContext } from '../graphql/context';
import { badInput } from '../graphql/errors';
import { DateScalar } from '../graphql/scalars';
import { ComplianceStats } from '../stats/compliance-stats.type';
import {
  checkStatsDay,
  MAX_SERIES_DAYS,
  seriesComplexity,
  seriesDays,
  STATS_COMPLEXITY,
} from '../stats/stats-day';
import type { AreaUnit } from './area-directory';
import { AdministrativeUnit, City, District, Ward } from './administrative-unit.type';

const CODE_PATTERN: Record<UnitLevel, RegExp> = {
  CITY: /^\d{2}$/,
  DISTRICT: /^\d{3}$/,
  WARD: /^\d{5}$/,
};
const CODE_HINT: Record<UnitLevel, string> = {
  CITY: 'a city code has 2 digits, e.g. 01 (Hà Nội)',
  DISTRICT: 'a district code has 3 digits, e.g. 001 (Quận Ba Đình)',
  WARD: 'a ward code has 5 digits, e.g. 00001 (Phường Phúc Xá)',
};

function lookUp(ctx: GraphQLContext, code: string, level: UnitLevel): AreaUnit | null {
  if (!CODE_PATTERN[level].test(code))
    throw badInput('code', `${JSON.stringify(code)} is not valid: ${CODE_HINT[level]}`);
  return ctx.areas.find(code, level) ?? null;
}

@Resolver()
export class AreaQueryResolver {
  @Query(() => City, {
    nullable: true,
    description: 'A city (province-level unit) by its code; without a code, Hà Nội (01).',
  })
  city(
    @Arg('code', () => ID, { nullable: true }) code: string | undefined,
    @Ctx() ctx: GraphQLContext,
  ) {
    return lookUp(ctx, code ?? HANOI_CODE, 'CITY');
  }

  @Query(() => [City], { description: 'Every city (province-level unit) loaded.' })
  cities(@Ctx() ctx: GraphQLContext): AreaUnit[] {
    return ctx.areas.cities();
  }

  @Query(() => District, { nullable: true })
  district(@Arg('code', () => ID) code: string, @Ctx() ctx: GraphQLContext) {
    return lookUp(ctx, code, 'DISTRICT');
  }

  @Query(() => Ward, { nullable: true })
  ward(@Arg('code', () => ID) code: string, @Ctx() ctx: GraphQLContext) {
    return lookUp(ctx, code, 'WARD');
  }

  @Query(() => AdministrativeUnit, {
    nullable: true,
    description: 'Any unit by its code, whatever its level.',
  })
  administrativeUnit(@Arg('code', () => ID) code: string, @Ctx() ctx: GraphQLContext) {
    return ctx.areas.get(code) ?? null;
  }
}

/** `stats(date)` and `statsSeries(from, to)` on each unit type: batched per level by the stats loader. */
function unitStatsResolver(type: ClassType) {
  @Resolver(() => type)
  class UnitStatsResolver {
    @FieldResolver(() => ComplianceStats, {
      description: 'Figures of this unit for a local day.',
      complexity: STATS_COMPLEXITY,
    })
    stats(
      @Root() unit: AreaUnit,
      @Arg('date', () => DateScalar) date: string,
      @Ctx() ctx: GraphQLContext,
    ): Promise<ComplianceStats> {
      checkStatsDay(date, ctx.now(), 'date');
      return ctx.loaders.complianceStats.load({ level: unit.level, code: unit.code, day: date });
    }

    @FieldResolver(() => [ComplianceStats], {
      description: `Figures of this unit for each local day from \`from\` to \`to\`, both included (at most ${MAX_SERIES_DAYS} days, not after today): each day's are its \`stats(date)\`.`,
      complexity: seriesComplexity(STATS_COMPLEXITY),
    })
    statsSeries(
      @Root() unit: AreaUnit,
      @Arg('from', () => DateScalar) from: string,
      @Arg('to', () => DateScalar) to: string,
      @Ctx() ctx: GraphQLContext,
    ): Promise<ComplianceStats[]> {
      return Promise.all(
        seriesDays(from, to, ctx.now()).map((day) =>
          ctx.loaders.complianceStats.load({ level: unit.level, code: unit.code, day }),
        ),
      );
    }
  }
  return UnitStatsResolver;
}

export const CityStatsResolver = unitStatsResolver(City);
export const DistrictStatsResolver = unitStatsResolver(District);
export const WardStatsResolver = unitStatsResolver(Ward);

@Resolver(() => City)
export class CityResolver {
  // Hà Nội has 30 districts and at most 32 wards in one (Chương Mỹ): 30 estimates either list
  @FieldResolver(() => [District], { complexity: ({ childComplexity }) => 30 * childComplexity })
  districts(@Root() city: AreaUnit, @Ctx() ctx: GraphQLContext): AreaUnit[] {
    return ctx.areas.children(city.code);
  }
}

@Resolver(() => District)
export class DistrictResolver {
  @FieldResolver(() => City)
  city(@Root() district: AreaUnit, @Ctx() ctx: GraphQLContext): AreaUnit {
    return ctx.areas.parent(district)!;
  }

  @FieldResolver(() => [Ward], { complexity: ({ childComplexity }) => 30 * childComplexity })
  wards(@Root() district: AreaUnit, @Ctx() ctx: GraphQLContext): AreaUnit[] {
    return ctx.areas.children(district.code);
  }
}

@Resolver(() => Ward)
export class WardResolver {
  @FieldResolver(() => District)
  district(@Root() ward: AreaUnit, @Ctx() ctx: GraphQLContext): AreaUnit {
    return ctx.areas.parent(ward)!;
  }

  @FieldResolver(() => City)
  city(@Root() ward: AreaUnit, @Ctx() ctx: GraphQLContext): AreaUnit {
    return ctx.areas.lineage(ward.code).city;
  }
}
