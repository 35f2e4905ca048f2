import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  foldForSearch,
  LOCAL_TIME_ZONE,
  localDayStart,
  normalizeName,
  normalizeVietnameseMobile,
  type VenueCategory,
} from '@quetma/shared';
import type { AreaDirectory } from '../areas/area-directory';
import { AdministrativeUnitEntity } from '../areas/administrative-unit.entity';
import { issueFirstCode } from '../codes/venue-code.service';
import { badInput, conflict } from '../graphql/errors';
import type { AreaScope } from '../auth/identity';
import { VenueEntity } from './venue.entity';
import { findVenueForChange } from './venue-lock';
import {
  EARLIEST_REGISTRATION_DAY,
  type RegisterVenueInput,
  type UpdateVenueInput,
} from './venue.input';

/** Rules for registering and changing venues; resolvers call these and stay thin. */
export interface VenueRules {
  em: EntityManager;
  areas: AreaDirectory;
  now: Date;
  codeKeyId: string;
  /** An officer's district or ward, which findVenueForChange checks again under the row lock. */
  scope: AreaScope | undefined;
}

/** The start of EARLIEST_REGISTRATION_DAY in Hà Nội: 2020-01-01T00:00:00+07:00. */
const EARLIEST_REGISTRATION = localDayStart(EARLIEST_REGISTRATION_DAY);

/** A registration as it is stored, once checked: text normalised, the ward's district and city. */
export interface VenueRegistration {
  name: string;
  address: string;
  searchText: string;
  nameSort: string;
  category: VenueCategory;
  wardCode: string;
  districtCode: string;
  cityCode: string;
  registrantName: string;
  registrantPhone: string;
  isAgencyHeadquarters: boolean;
  registeredAt: Date;
}

/** A rule of registration that an input breaks, beyond its field's own format (venue.input.ts). */
export interface RegistrationProblem {
  field: 'wardCode' | 'registeredAt' | 'registrantPhone';
  reason: 'UNKNOWN_WARD' | 'FUTURE_DATE' | 'TOO_EARLY' | 'INVALID_PHONE';
  message: string;
}

/**
 * The rules registerVenue applies to an input that passed RegisterVenueInput's validation: every
 * rule it breaks, in the order registerVenue reports the first, or the venue as it is stored.
 * The CSV import judges each row by this too (venues/import/).
 */
export function checkRegistration(
  areas: AreaDirectory,
  now: Date,
  input: RegisterVenueInput,
): { registration: VenueRegistration; problems: [] } | { problems: RegistrationProblem[] } {
  const problems: RegistrationProblem[] = [];
  const ward = wardOf(areas, input.wardCode);
  if (!ward)
    problems.push({
      field: 'wardCode',
      reason: 'UNKNOWN_WARD',
      message: unknownWard(input.wardCode),
    });
  const registeredAt = input.registeredAt ?? now;
  if (registeredAt.getTime() > now.getTime()) {
    problems.push({
      field: 'registeredAt',
      reason: 'FUTURE_DATE',
      message: 'cannot be in the future',
    });
  } else if (registeredAt.getTime() < EARLIEST_REGISTRATION.getTime()) {
    problems.push({
      field: 'registeredAt',
      reason: 'TOO_EARLY',
      message: `cannot be before ${EARLIEST_REGISTRATION_DAY} (${LOCAL_TIME_ZONE})`,
    });
  }
  const registrantPhone = normalizeVietnameseMobile(input.registrantPhone);
  if (!registrantPhone)
    problems.push({ field: 'registrantPhone', reason: 'INVALID_PHONE', message: PHONE_MESSAGE });
  if (problems.length || !ward || !registrantPhone) return { problems };
  const name = normalizeName(input.name);
  const address = normalizeName(input.address);
  return {
    problems: [],
    registration: {
      name,
      address,
      searchText: foldForSearch(`${name} ${address}`),
      nameSort: foldForSearch(name),
      category: input.category,
      wardCode: ward.ward.code,
      districtCode: ward.district.code,
      cityCode: ward.city.code,
      registrantName: normalizeName(input.registrantName),
      registrantPhone,
      isAgencyHeadquarters: input.isAgencyHeadquarters ?? false,
      registeredAt,
    },
  };
}

/** The venue row of a checked registration, for em.create and em.insertMany alike. */
export function newVenueRow(registration: VenueRegistration, id: string, now: Date) {
  const { wardCode, ...rest } = registration;
  return { ...rest, id, ward: wardCode, status: 'ACTIVE' as const, updatedAt: now };
}

export async function registerVenue(rules: VenueRules, input: RegisterVenueInput): Promise<string> {
  const { em, now } = rules;
  const checked = checkRegistration(rules.areas, now, input);
  if (!('registration' in checked)) {
    const [first] = checked.problems;
    throw badInput(first.field, first.message);
  }
  const { registration } = checked;
  const venue = em.create(VenueEntity, newVenueRow(registration, randomUUID(), now));
  issueFirstCode(em, venue, rules.codeKeyId, registration.registeredAt);
  await em.flush();
  return venue.id;
}

export async function updateVenue(
  rules: VenueRules,
  id: string,
  input: UpdateVenueInput,
): Promise<string> {
  return rules.em.transactional(async (em) => {
    const venue = await findVenueForChange(em, rules, id);
    if (venue.status === 'CLOSED') {
      throw conflict(`Venue ${id} is closed and can no longer be changed.`, 'id');
    }
    if (input.status === 'CLOSED') {
      throw badInput(
        'status',
        'use closeVenue to close a venue; status takes ACTIVE or SUSPENDED here',
      );
    }
    if (input.name !== undefined && input.name !== null) venue.name = normalizeName(input.name);
    if (input.address !== undefined && input.address !== null)
      venue.address = normalizeName(input.address);
    if (input.category) venue.category = input.category;
    if (input.registrantName) venue.registrantName = normalizeName(input.registrantName);
    if (input.registrantPhone)
      venue.registrantPhone = phone(input.registrantPhone, 'registrantPhone');
    if (input.isAgencyHeadquarters !== undefined && input.isAgencyHeadquarters !== null) {
      venue.isAgencyHeadquarters = input.isAgencyHeadquarters;
    }
    if (input.status) venue.status = input.status;
    if (input.wardCode) {
      const ward = requireWard(rules.areas, input.wardCode, 'wardCode');
      venue.ward = em.getReference(AdministrativeUnitEntity, ward.ward.code, { wrapped: true });
      venue.districtCode = ward.district.code;
      venue.cityCode = ward.city.code;
    }
    venue.searchText = foldForSearch(`${venue.name} ${venue.address}`);
    venue.nameSort = foldForSearch(venue.name);
    await em.flush();
    return venue.id;
  });
}

export async function closeVenue(
  rules: VenueRules,
  id: string,
  closedAt: Date | undefined,
  reason: string | undefined,
): Promise<string> {
  const { now } = rules;
  return rules.em.transactional(async (em) => {
    const venue = await findVenueForChange(em, rules, id);
    if (venue.status === 'CLOSED') {
      throw badInput(
        'id',
        `venue ${id} is already closed (since ${venue.closedAt?.toISOString()})`,
      );
    }
    const at = closedAt ?? now;
    if (at.getTime() > now.getTime()) throw badInput('closedAt', 'cannot be in the future');
    if (at.getTime() < venue.registeredAt.getTime()) {
      throw badInput(
        'closedAt',
        `cannot be before the venue registered (${venue.registeredAt.toISOString()})`,
      );
    }
    const trimmed = reason === undefined ? undefined : normalizeName(reason);
    if (trimmed !== undefined && trimmed.length > 500)
      throw badInput('reason', 'must be at most 500 characters');
    venue.status = 'CLOSED';
    venue.closedAt = at;
    venue.closedReason = trimmed || undefined;
    await em.flush();
    return venue.id;
  });
}

const PHONE_MESSAGE = 'must be a Vietnamese mobile number (e.g. 0912 345 678)';

function wardOf(areas: AreaDirectory, code: string) {
  const ward = areas.find(code, 'WARD');
  return ward ? areas.lineage(ward.code) : undefined;
}

const unknownWard = (code: string) =>
  `no ward has the code ${code} (ward codes have 5 digits, e.g. 00001 Phường Phúc Xá)`;

function requireWard(areas: AreaDirectory, code: string, field: string) {
  const ward = wardOf(areas, code);
  if (!ward) throw badInput(field, unknownWard(code));
  return ward;
}

function phone(raw: string, field: string): string {
  const normalized = normalizeVietnameseMobile(raw);
  if (!normalized) throw badInput(field, PHONE_MESSAGE);
  return normalized;
}
