import 'reflect-metadata';
import { buildSchema } from 'type-graphql';
import type { GraphQLInterfaceType, GraphQLSchema } from 'graphql';
import type { AreaUnit } from '../areas/area-directory';
import { TYPE_NAME_BY_LEVEL } from '../areas/administrative-unit.type';
import {
  AreaQueryResolver,
  CityResolver,
  CityStatsResolver,
  DistrictResolver,
  DistrictStatsResolver,
  WardResolver,
  WardStatsResolver,
} from '../areas/area.resolver';
import { AuditResolver } from '../audit/audit.resolver';
import { AuditLogConnectionResolver } from '../audit/audit.types';
import { AuthResolver } from '../auth/auth.resolver';
import { ApiKeyConnectionResolver, UserConnectionResolver } from '../auth/auth.types';
import { VenueCodeResolver } from '../codes/venue-code.resolver';
import { ScanResolver } from '../scans/ingestion/scan.resolver';
import { StatsResolver } from '../stats/stats.resolver';
import {
  ExposureResolver,
  VenueRiskDeclarationsResolver,
  VisitResolver,
} from '../tracing/exposure.resolver';
import { VenueActivityResolver } from '../venues/activity/venue-activity.resolver';
import { VenueResolver } from '../venues/venue.resolver';
import { VenueConnectionResolver } from '../venues/venue.type';
import { enforceAreaScope } from '../auth/area-scope-enforcement';

/** How inputs are validated (class-validator): by the schema, and by the CSV import for its rows. */
export const INPUT_VALIDATION = { forbidUnknownValues: false };

/** The GraphQL schema; `schema.graphql` at the repo root is this, printed (pnpm schema:emit). */
export async function buildQuetmaSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
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
      VenueActivityResolver,
      VenueCodeResolver,
      AuthResolver,
      UserConnectionResolver,
      ApiKeyConnectionResolver,
      AuditResolver,
      AuditLogConnectionResolver,
      ExposureResolver,
      VisitResolver,
      VenueRiskDeclarationsResolver,
      ScanResolver,
    ],
    // type-graphql 2 skips class-validator unless asked
    validate: INPUT_VALIDATION,
    emitSchemaFile: false,
  });
  // type-graphql wraps resolveType in an async function; graphql-jit reads its result at once
  // and would see a Promise. Units carry their level, so the answer is known synchronously.
  const unit = schema.getType('AdministrativeUnit') as GraphQLInterfaceType;
  unit.resolveType = (value: AreaUnit) => TYPE_NAME_BY_LEVEL[value.level];
  // an officer's district or ward, for every field, from the table beside the access table
  enforceAreaScope(schema);
  return schema;
}
