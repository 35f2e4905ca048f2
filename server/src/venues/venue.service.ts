import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  foldForSearch,
  LOCAL_TIME_ZONE,
  localDayStart,
  normalizeName,
  normalizeVietnameseMobile,
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

export async function registerVenue(rules: VenueRules, input: RegisterVenueInput): Promise<string> {
  const { em, now } = rules;
  const ward = requireWard(rules.areas, input.wardCode, 'wardCode');
  const registeredAt = input.registeredAt ?? now;
  if (registeredAt.getTime() > now.getTime()) {
    throw badInput('registeredAt', 'cannot be in the future');
  }
  if (registeredAt.getTime() < EARLIEST_REGISTRATION.getTime()) {
    throw badInput(
      'registeredAt',
      `cannot be before ${EARLIEST_REGISTRATION_DAY} (${LOCAL_TIME_ZONE})`,
    );
  }
  const name = normalizeName(input.name);
  const address = normalizeName(input.address);
  const venue = em.create(VenueEntity, {
    id: randomUUID(),
    name,
    address,
    searchText: foldForSearch(`${name} ${address}`),
    nameSort: foldForSearch(name),
    category: input.category,
    ward: em.getReference(AdministrativeUnitEntity, ward.ward.code),
    districtCode: ward.district.code,
    cityCode: ward.city.code,
    registrantName: normalizeName(input.registrantName),
    registrantPhone: phone(input.registrantPhone, 'registrantPhone'),
    isAgencyHeadquarters: input.isAgencyHeadquarters ?? false,
    registeredAt,
    updatedAt: now,
  });
  issueFirstCode(em, venue, rules.codeKeyId, registeredAt);
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

function requireWard(areas: AreaDirectory, code: string, field: string) {
  const ward = areas.find(code, 'WARD');
  if (!ward)
    throw badInput(
      field,
      `no ward has the code ${code} (ward codes have 5 digits, e.g. 00001 Phường Phúc Xá)`,
    );
  return areas.lineage(ward.code);
}

function phone(raw: string, field: string): string {
  const normalized = normalizeVietnameseMobile(raw);
  if (!normalized) throw badInput(field, 'must be a Vietnamese mobile number (e.g. 0912 345 678)');
  return normalized;
}
