import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeResolver } from 'graphql-scalars';
import {
  SCAN_STATUSES,
  VENUE_CATEGORIES,
  VENUE_STATUSES,
  type ScanStatus,
  type VenueCategory,
  type VenueStatus,
} from '@quetma/shared';
import { connectionTypes } from '../graphql/connection';

export const VenueCategoryEnum = Object.fromEntries(
  Object.keys(VENUE_CATEGORIES).map((c) => [c, c]),
) as { [K in VenueCategory]: K };
registerEnumType(VenueCategoryEnum, {
  name: 'VenueCategory',
  description: "Kinds of venue named in Hà Nội's scanning directives.",
  valuesConfig: Object.fromEntries(
    Object.entries(VENUE_CATEGORIES).map(([key, label]) => [
      key,
      { description: `${label.vi} (${label.en})` },
    ]),
  ),
});

export const VenueStatusEnum = Object.fromEntries(VENUE_STATUSES.map((s) => [s, s])) as {
  [K in VenueStatus]: K;
};
registerEnumType(VenueStatusEnum, { name: 'VenueStatus' });

export const ScanStatusEnum = Object.fromEntries(SCAN_STATUSES.map((s) => [s, s])) as {
  [K in ScanStatus]: K;
};
registerEnumType(ScanStatusEnum, {
  name: 'ScanStatus',
  description:
    'How a venue stands today (local time). NEVER_SCANNED: no accepted scan ever. DORMANT: scanned before, ' +
    'but not in the last 7 days (today and the 6 days before). ACTIVE: scanned in those 7 days.',
  valuesConfig: {
    ACTIVE: { description: 'At least one accepted scan in the last 7 days.' },
    DORMANT: { description: 'Scanned before, but not in the last 7 days.' },
    NEVER_SCANNED: { description: 'No accepted scan ever.' },
  },
});

/** A venue row as the read queries return it; the fields below are filled from it. */
export interface VenueRow {
  id: string;
  name: string;
  category: VenueCategory;
  address: string;
  wardCode: string;
  registrantName: string;
  registrantPhone: string;
  isAgencyHeadquarters: boolean;
  registeredAt: Date;
  status: VenueStatus;
  closedAt: Date | null;
  closedReason: string | null;
  firstScanAt: Date | null;
  lastScanAt: Date | null;
  totalScans: number;
}

@ObjectType({ description: 'A place registered for QR entry-scanning.' })
export class Venue {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => VenueCategoryEnum)
  category!: VenueCategory;

  @Field(() => String, { description: 'Street address within the ward.' })
  address!: string;

  @Field(() => String, { description: "The registrant's name." })
  registrantName!: string;

  @Field(() => String, { description: "The registrant's mobile number, as +84 and 9 digits." })
  registrantPhone!: string;

  @Field(() => Boolean, {
    description:
      "An agency's or department's own headquarters (the directive makes them scan too).",
  })
  isAgencyHeadquarters!: boolean;

  @Field(() => DateTimeResolver)
  registeredAt!: Date;

  @Field(() => VenueStatusEnum)
  status!: VenueStatus;

  @Field(() => DateTimeResolver, { nullable: true })
  closedAt!: Date | null;

  @Field(() => String, { nullable: true })
  closedReason!: string | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'First accepted scan, if any.' })
  firstScanAt!: Date | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'Latest accepted scan, if any.' })
  lastScanAt!: Date | null;

  @Field(() => Int, { description: 'Accepted scans since registration.' })
  totalScans!: number;
}

export const { Connection: VenueConnection, TotalCountResolver: VenueConnectionResolver } =
  connectionTypes<VenueRow>({
    node: Venue,
    edge: 'VenueEdge',
    connection: 'VenueConnection',
    description: 'A page of venues (Relay connection).',
    totalCountDescription: 'Venues matching the filter, over all pages.',
  });
