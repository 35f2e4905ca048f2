import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { IsOptional, Matches, MaxLength } from 'class-validator';
import type { Role } from '@quetma/shared';
import { orderInput } from '../../graphql/connection';
import { RoleEnum } from '../auth.types';

export enum UserStatus {
  ENABLED = 'ENABLED',
  DISABLED = 'DISABLED',
}
registerEnumType(UserStatus, {
  name: 'UserStatus',
  description: 'ENABLED: may log in. DISABLED: disableUser ended their access.',
});

@InputType({ description: 'Which users to list; every given condition must hold.' })
export class UserFilter {
  @Field(() => [ID], {
    nullable: true,
    description: 'These users only (at most 500), e.g. to show the users a page refers to.',
  })
  ids?: string[];

  @Field(() => RoleEnum, { nullable: true })
  role?: Role;

  @Field(() => ID, {
    nullable: true,
    description:
      'Officers of this city (01), district (001) or ward (00001), or of a unit within it.',
  })
  @IsOptional()
  @Matches(/^(\d{2}|\d{3}|\d{5})$/, {
    message: 'must be a GSO code of 2 (city), 3 (district) or 5 (ward) digits',
  })
  unitCode?: string;

  @Field(() => UserStatus, { nullable: true })
  status?: UserStatus;

  @Field(() => String, {
    nullable: true,
    description: 'Words found in the email or name, ignoring case and Vietnamese diacritics.',
  })
  @IsOptional()
  @MaxLength(200, { message: 'must be at most 200 characters' })
  search?: string;
}

export enum UserOrderField {
  EMAIL = 'EMAIL',
  NAME = 'NAME',
  ROLE = 'ROLE',
  UNIT_CODE = 'UNIT_CODE',
  CREATED_AT = 'CREATED_AT',
}
registerEnumType(UserOrderField, {
  name: 'UserOrderField',
  description:
    'Sort keys for users; ties are broken by id. NAME ignores case and diacritics; users without a unit sort first by UNIT_CODE.',
});

export const UserOrder = orderInput('UserOrder', UserOrderField);
