import { AdministrativeUnitEntity } from '../areas/administrative-unit.entity';
import { AuditLogEntity } from '../audit/audit-log.entity';
import { ApiKeyEntity } from '../auth/api-key.entity';
import { LoginThrottleEntity } from '../auth/login-throttle.entity';
import { RefreshTokenEntity } from '../auth/refresh-token.entity';
import { UserEntity } from '../auth/user.entity';
import { VenueCodeEntity } from '../codes/venue-code.entity';
import { ScanEntity } from '../scans/scan.entity';
import { UnitDayPeopleEntity } from '../scans/unit-day-people.entity';
import { UnitDayPersonEntity } from '../scans/unit-day-person.entity';
import { VenueActivityEntity } from '../scans/venue-activity.entity';
import { VenueDayScansEntity } from '../scans/venue-day-scans.entity';
import { VenueEntity } from '../venues/venue.entity';

/** Every entity, listed once: the ORM config and the migrations both read this. */
export const ENTITIES = [
  AdministrativeUnitEntity,
  VenueEntity,
  VenueCodeEntity,
  ScanEntity,
  VenueActivityEntity,
  VenueDayScansEntity,
  UnitDayPersonEntity,
  UnitDayPeopleEntity,
  UserEntity,
  RefreshTokenEntity,
  ApiKeyEntity,
  LoginThrottleEntity,
  AuditLogEntity,
];
