import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Pool } from 'pg';
import type { AreaDirectory } from '../areas/area-directory';
import type { Identity } from '../auth/identity';
import type { RateLimiter } from '../protection/rate-limiter';
import { currentCodeLoader } from '../codes/venue-code.loaders';
import type { Config } from '../config';
import type { ScanIngestion } from '../scans/ingestion/scan-ingestion.service';
import { complianceStatsLoader } from '../stats/stats.loaders';
import { riskDeclarationsLoader } from '../tracing/risk-declarations.loaders';
import { venueDaysLoader } from '../venues/activity/venue-days.loaders';
import { venueByIdLoader } from '../venues/venue.loaders';

/** Shared by every request: built once at start-up. */
export interface AppServices {
  orm: MikroORM;
  areas: AreaDirectory;
  config: Config;
  /** The clock; tests may pin it. */
  now: () => Date;
}

/** What one app holds for all its requests, besides the services. */
export interface AppParts {
  /** Login attempts per address (passwords are guessed through it). */
  loginLimiter: RateLimiter;
  /** One per app: scans of concurrent requests are committed together (group commit). */
  scanIngestion: ScanIngestion;
  /** Authentication's own connections (auth/auth-pool.ts): logins never wait behind reads. */
  authPool: Pool;
}

/** What each resolver gets: who is asking, a fresh entity manager and fresh loaders per request. */
export interface GraphQLContext extends AppServices, AppParts {
  identity: Identity;
  /** The caller's network address, for rate limits and the audit log. */
  address: string | undefined;
  em: EntityManager;
  loaders: ReturnType<typeof createLoaders>;
}

function createLoaders(orm: MikroORM) {
  return {
    venueById: venueByIdLoader(orm),
    currentCode: currentCodeLoader(orm),
    complianceStats: complianceStatsLoader(orm),
    riskDeclarations: riskDeclarationsLoader(orm),
    venueDays: venueDaysLoader(orm),
  };
}

export function createContext(
  services: AppServices,
  parts: AppParts,
  identity: Identity,
  address: string | undefined,
): GraphQLContext {
  return {
    ...services,
    ...parts,
    identity,
    address,
    em: services.orm.em.fork(),
    loaders: createLoaders(services.orm),
  };
}
