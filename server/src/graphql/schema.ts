import 'reflect-metadata';
import { buildSchema } from 'type-graphql';
import type { GraphQLSchema } from 'graphql';
import {
  AreaQueryResolver,
  CityResolver,
  CityStatsResolver,
  DistrictResolver,
  DistrictStatsResolver,
  WardResolver,
  WardStatsResolver,
} from '../areas/area.resolver';
import { AuthResolver } from '../auth/auth.resolver';
import { StatsResolver } from '../stats/stats.resolver';
import { VenueConnectionResolver, VenueResolver } from '../venues/venue.resolver';

/** The GraphQL schema; `schema.graphql` at the repo root is this, printed (pnpm schema:emit). */
export function buildQuetmaSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [
      AreaQueryResolver,
      CityResolver,
      DistrictResolver,
      WardResolver,
      CityStatsResolver,
      DistrictStatsResolver,
      WardStatsResolver,
      StatsResolver,
      VenueResolver,
      VenueConnectionResolver,
      AuthResolver,
    ],
    // type-graphql 2 skips class-validator unless asked
    validate: { forbidUnknownValues: false },
    emitSchemaFile: false,
  });
}
