import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { DateTimeResolver } from 'graphql-scalars';
import {
  IsOptional,
  Matches,
  MaxLength,
  ValidateBy,
  type ValidationOptions,
} from 'class-validator';
import {
  LOCAL_TIME_ZONE,
  normalizeVietnameseMobile,
  type ScanStatus,
  type VenueCategory,
  type VenueStatus,
} from '@quetma/shared';
import { orderInput } from '../graphql/connection';
import { ScanStatusEnum, VenueCategoryEnum, VenueStatusEnum } from './venue.type';

/** Venue QR registration began in 2020; an earlier date is a typo (and year 0 breaks storage). */
export const EARLIEST_REGISTRATION_DAY = '2020-01-01';

const NOT_BLANK = /\S/;
const NOT_BLANK_MESSAGE = 'must not be empty';

function IsVietnameseMobile(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isVietnameseMobile',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && normalizeVietnameseMobile(value) !== undefined,
        defaultMessage: () =>
          'must be a Vietnamese mobile number: 0, 84 or +84 followed by 9 digits starting with 3, 5, 7, 8 or 9 (e.g. 0912 345 678)',
      },
    },
    options,
  );
}

@InputType({ description: 'Which venues to list; every given condition must hold.' })
export class VenueFilter {
  @Field(() => [ID], {
    nullable: true,
    description:
      'These venues only (at most 500), e.g. to show the venues a page refers to; an officer gets those of their area.',
  })
  ids?: string[];

  @Field(() => ID, {
    nullable: true,
    description: 'Official code of a city (01), district (001) or ward (00001): venues inside it.',
  })
  @IsOptional()
  @Matches(/^(\d{2}|\d{3}|\d{5})$/, {
    message: 'must be a GSO code of 2 (city), 3 (district) or 5 (ward) digits',
  })
  unitCode?: string;

  @Field(() => VenueCategoryEnum, { nullable: true })
  category?: VenueCategory;

  @Field(() => VenueStatusEnum, { nullable: true })
  status?: VenueStatus;

  @Field(() => String, {
    nullable: true,
    description:
      'Words found in the name or address, ignoring case and Vietnamese diacritics ("hoan kiem").',
  })
  @IsOptional()
  @MaxLength(200, { message: 'must be at most 200 characters' })
  search?: string;

  @Field(() => ScanStatusEnum, { nullable: true })
  scanStatus?: ScanStatus;
}

export enum VenueOrderField {
  NAME = 'NAME',
  REGISTERED_AT = 'REGISTERED_AT',
  LAST_SCAN_AT = 'LAST_SCAN_AT',
  WARD_CODE = 'WARD_CODE',
}
registerEnumType(VenueOrderField, {
  name: 'VenueOrderField',
  description:
    'Sort keys for venues; ties are broken by id. Never-scanned venues sort as the oldest LAST_SCAN_AT.',
});

export const VenueOrder = orderInput('VenueOrder', VenueOrderField);

@InputType()
export class RegisterVenueInput {
  @Field(() => String)
  @Matches(NOT_BLANK, { message: NOT_BLANK_MESSAGE })
  @MaxLength(200, { message: 'must be at most 200 characters' })
  name!: string;

  @Field(() => VenueCategoryEnum)
  category!: VenueCategory;

  @Field(() => String, { description: 'Street address within the ward.' })
  @Matches(NOT_BLANK, { message: NOT_BLANK_MESSAGE })
  @MaxLength(300, { message: 'must be at most 300 characters' })
  address!: string;

  @Field(() => ID, { description: 'Official 5-digit code of the ward the venue is in.' })
  @Matches(/^\d{5}$/, { message: 'must be the 5-digit GSO code of a ward, e.g. 00001' })
  wardCode!: string;

  @Field(() => String)
  @Matches(NOT_BLANK, { message: NOT_BLANK_MESSAGE })
  @MaxLength(100, { message: 'must be at most 100 characters' })
  registrantName!: string;

  @Field(() => String, { description: 'Mobile number: 0, 84 or +84 and 9 digits.' })
  @IsVietnameseMobile()
  registrantPhone!: string;

  @Field(() => Boolean, { nullable: true, defaultValue: false })
  isAgencyHeadquarters?: boolean;

  @Field(() => DateTimeResolver, {
    nullable: true,
    description: `When the venue registered, for venues registered before quetma; defaults to now. Not in the future, nor before ${EARLIEST_REGISTRATION_DAY} (${LOCAL_TIME_ZONE}).`,
  })
  registeredAt?: Date;
}

@InputType({ description: 'Fields to change; the ones left out keep their value.' })
export class UpdateVenueInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(NOT_BLANK, { message: NOT_BLANK_MESSAGE })
  @MaxLength(200, { message: 'must be at most 200 characters' })
  name?: string;

  @Field(() => VenueCategoryEnum, { nullable: true })
  category?: VenueCategory;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(NOT_BLANK, { message: NOT_BLANK_MESSAGE })
  @MaxLength(300, { message: 'must be at most 300 characters' })
  address?: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @Matches(/^\d{5}$/, { message: 'must be the 5-digit GSO code of a ward, e.g. 00001' })
  wardCode?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(NOT_BLANK, { message: NOT_BLANK_MESSAGE })
  @MaxLength(100, { message: 'must be at most 100 characters' })
  registrantName?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsVietnameseMobile()
  registrantPhone?: string;

  @Field(() => Boolean, { nullable: true })
  isAgencyHeadquarters?: boolean;

  @Field(() => VenueStatusEnum, {
    nullable: true,
    description: 'ACTIVE or SUSPENDED; a venue is closed with closeVenue.',
  })
  status?: VenueStatus;
}
