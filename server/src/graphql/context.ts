import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { AreaDirectory } from '../areas/area-directory';
import type { Identity } from '../auth/identity';
import type { RateLimiter } from '../protection/rate-limiter';
import { currentCodeLoader } from '../codes/venue-code.loaders';
import type { Config } from '../config';
import type { ScanIngestion } from '../scans/ingestion/scan-ingestion.service';
import { complianceStatsLoader } from '../stats/stats.loaders';
import { riskDeclarationsLoader } from '../tracing/risk-declarations.loaders';
import { venueByIdLoader } from '../venues/venue.loaders';

/** Shared by every request: built once at start-up. */
export interface AppServices {
  orm: MikroORM;
  areas: AreaDirectory;
  config: Config;
  /** The clock; tests may pin it. */
  now: () => Date;
}

/** What each resolver gets: who is asking, a fresh entity manager and fresh loaders per request. */
export interface GraphQLContext extends AppServices {
  identity: Identity;
  /** The caller's network address, for rate limits and the audit log. */
  address: string | undefined;
  /** Login attempts per address (passwords are guessed through it). */
  loginLimiter: RateLimiter;
  /** One per app: scans of concurrent requests are committed together (group commit). */
  scanIngestion: ScanIngestion;
  em: EntityManager;
  loaders: ReturnType<typeof createLoaders>;
}

function createLoaders(orm: MikroORM) {
  return {
    venueById: venueByIdLoader(orm),
    currentCode: currentCodeLoader(orm),
    complianceStats: complianceStatsLoader(orm),
    riskDeclarations: riskDeclarationsLoader(orm),
  };
}

export function createContext(
  services: AppServices,
  identity: Identity,
  address: string | undefined,
  loginLimiter: RateLimiter,
  scanIngestion: ScanIngestion,
): GraphQLContext {
  return {
    ...services,
    identity,
    address,
    loginLimiter,
    scanIngestion,
    em: services.orm.em.fork(),
    loaders: createLoaders(services.orm),
  };
}
