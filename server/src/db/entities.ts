import { AdministrativeUnitEntity } from '../areas/administrative-unit.entity';
import { AuditLogEntity } from '../audit/audit-log.entity';
import { ApiKeyEntity } from '../auth/api-keys/api-key.entity';
import { LoginThrottleEntity } from '../auth/sessions/login-throttle.entity';
import { RefreshTokenEntity } from '../auth/sessions/refresh-token.entity';
import { UserEntity } from '../auth/users/user.entity';
import { VenueCodeEntity } from '../codes/venue-code.entity';
import { RateLimitBucketEntity } from '../protection/rate-limit-bucket.entity';
import { ScanEntity } from '../scans/scan.entity';
import { UnitDayPeopleEntity } from '../scans/rollups/unit-day-people.entity';
import { VenueActivityEntity } from '../scans/rollups/venue-activity.entity';
import { VenueDayScansEntity } from '../scans/rollups/venue-day-scans.entity';
import { WardDayPersonEntity } from '../scans/rollups/ward-day-person.entity';
import { ScanIdEntity } from '../scans/scan-id.entity';
import { VenueEntity } from '../venues/venue.entity';

/** Every entity, listed once; the ORM config (mikro-orm.config.ts) is what reads this. */
export const ENTITIES = [
  AdministrativeUnitEntity,
  VenueEntity,
  VenueCodeEntity,
  ScanEntity,
  ScanIdEntity,
  VenueActivityEntity,
  VenueDayScansEntity,
  WardDayPersonEntity,
  UnitDayPeopleEntity,
  UserEntity,
  RefreshTokenEntity,
  ApiKeyEntity,
  LoginThrottleEntity,
  AuditLogEntity,
  RateLimitBucketEntity,
];
