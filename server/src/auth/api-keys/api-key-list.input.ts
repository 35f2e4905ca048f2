import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { IsOptional, MaxLength } from 'class-validator';
import { orderInput } from '../../graphql/connection';
import { ApiKeyRoleEnum } from '../auth.types';
import type { ApiKeyRole } from './api-key.entity';

export enum ApiKeyStatus {
  ACTIVE = 'ACTIVE',
  EXPIRED = 'EXPIRED',
  REVOKED = 'REVOKED',
}
registerEnumType(ApiKeyStatus, {
  name: 'ApiKeyStatus',
  description:
    'ACTIVE: accepted now. EXPIRED: not revoked, but past its expiresAt. REVOKED: ended by revokeApiKey.',
});

@InputType({ description: 'Which API keys to list; every given condition must hold.' })
export class ApiKeyFilter {
  @Field(() => [ID], {
    nullable: true,
    description: 'These keys only (at most 500), e.g. to show the keys a page refers to.',
  })
  ids?: string[];

  @Field(() => ApiKeyRoleEnum, { nullable: true })
  role?: ApiKeyRole;

  @Field(() => ApiKeyStatus, { nullable: true })
  status?: ApiKeyStatus;

  @Field(() => String, {
    nullable: true,
    description:
      'Words found in the name or the prefix (qmk_<prefix>_…), ignoring case and Vietnamese diacritics.',
  })
  @IsOptional()
  @MaxLength(200, { message: 'must be at most 200 characters' })
  search?: string;
}

export enum ApiKeyOrderField {
  CREATED_AT = 'CREATED_AT',
  NAME = 'NAME',
  ROLE = 'ROLE',
  LAST_USED_AT = 'LAST_USED_AT',
}
registerEnumType(ApiKeyOrderField, {
  name: 'ApiKeyOrderField',
  description:
    'Sort keys for API keys; ties are broken by id. NAME ignores case and diacritics; keys never used sort as the oldest LAST_USED_AT.',
});

export const ApiKeyOrder = orderInput('ApiKeyOrder', ApiKeyOrderField);
