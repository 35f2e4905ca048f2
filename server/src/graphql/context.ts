import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { AreaDirectory } from '../areas/area-directory';
import { currentCodeLoader } from '../codes/venue-code.loaders';
import type { Config } from '../config';
import { complianceStatsLoader } from '../stats/stats.loaders';
import { venueByIdLoader } from '../venues/venue.loaders';

/** Shared by every request: built once at start-up. */
export interface AppServices {
  orm: MikroORM;
  areas: AreaDirectory;
  config: Config;
  /** The clock; tests may pin it. */
  now: () => Date;
}

/** What each resolver gets: a fresh entity manager and fresh loaders per request. */
export interface GraphQLContext extends AppServices {
  em: EntityManager;
  loaders: ReturnType<typeof createLoaders>;
}

function createLoaders(orm: MikroORM) {
  return {
    venueById: venueByIdLoader(orm),
    currentCode: currentCodeLoader(orm),
    complianceStats: complianceStatsLoader(orm),
  };
}

export function createContext(services: AppServices): GraphQLContext {
  return { ...services, em: services.orm.em.fork(), loaders: createLoaders(services.orm) };
}
