import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { ROLES, type Role } from '@quetma/shared';
import { connectionTypes } from '../graphql/connection';
import { API_KEY_ROLES, type ApiKeyRole } from './api-keys/api-key.entity';
import type { ApiKeyRow } from './api-keys/api-key.service';
import type { UserRow } from './users/user.service';

export const RoleEnum = Object.fromEntries(ROLES.map((r) => [r, r])) as { [K in Role]: K };
registerEnumType(RoleEnum, {
  name: 'Role',
  description: 'What a caller may see and do (README: "Who may do what").',
});

export const ApiKeyRoleEnum = Object.fromEntries(API_KEY_ROLES.map((r) => [r, r])) as {
  [K in ApiKeyRole]: K;
};
registerEnumType(ApiKeyRoleEnum, {
  name: 'ApiKeyRole',
  description: 'Roles a machine caller can have.',
});

export enum CallerKind {
  USER = 'USER',
  API_KEY = 'API_KEY',
}
registerEnumType(CallerKind, { name: 'CallerKind' });

@ObjectType({ description: 'A person who logs in.' })
export class User {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  email!: string;

  @Field(() => String)
  name!: string;

  @Field(() => RoleEnum)
  role!: Role;

  @Field(() => ID, { nullable: true, description: "An officer's district or ward code." })
  unitCode!: string | null;

  @Field(() => DateTimeResolver)
  createdAt!: Date;

  @Field(() => DateTimeResolver, { nullable: true })
  disabledAt!: Date | null;
}

export const { Connection: UserConnection, TotalCountResolver: UserConnectionResolver } =
  connectionTypes<UserRow>({
    node: User,
    edge: 'UserEdge',
    connection: 'UserConnection',
    description: 'A page of users (Relay connection).',
    totalCountDescription: 'Users matching the filter, over all pages.',
  });

@ObjectType({ description: 'Who is calling.' })
export class Caller {
  @Field(() => CallerKind)
  kind!: CallerKind;

  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: "A user's email or a key's name." })
  label!: string;

  @Field(() => RoleEnum)
  role!: Role;

  @Field(() => ID, {
    nullable: true,
    description: 'The district or ward an officer is confined to.',
  })
  unitCode!: string | null;
}

@ObjectType({
  description: 'A logged-in session: send the access token as `Authorization: Bearer …`.',
})
export class Session {
  @Field(() => String)
  accessToken!: string;

  @Field(() => DateTimeResolver)
  accessTokenExpiresAt!: Date;

  @Field(() => String, {
    description: 'Trade it for a new session with refreshSession; it works once.',
  })
  refreshToken!: string;

  @Field(() => DateTimeResolver)
  refreshTokenExpiresAt!: Date;

  @Field(() => User)
  user!: User;
}

@ObjectType({
  description: "A machine caller's key (the secret itself is shown only when created).",
})
export class ApiKey {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => ApiKeyRoleEnum)
  role!: ApiKeyRole;

  @Field(() => String, { description: 'Email of the city admin who created it.' })
  ownerEmail!: string;

  @Field(() => String, { description: 'The public part of the key: qmk_<prefix>_…' })
  prefix!: string;

  @Field(() => DateTimeResolver)
  createdAt!: Date;

  @Field(() => DateTimeResolver, { nullable: true })
  expiresAt!: Date | null;

  @Field(() => DateTimeResolver, { nullable: true })
  lastUsedAt!: Date | null;

  @Field(() => DateTimeResolver, { nullable: true })
  revokedAt!: Date | null;
}

export const { Connection: ApiKeyConnection, TotalCountResolver: ApiKeyConnectionResolver } =
  connectionTypes<ApiKeyRow>({
    node: ApiKey,
    edge: 'ApiKeyEdge',
    connection: 'ApiKeyConnection',
    description: 'A page of API keys (Relay connection).',
    totalCountDescription: 'API keys matching the filter, over all pages.',
  });

@ObjectType()
export class CreatedApiKey {
  @Field(() => ApiKey)
  apiKey!: ApiKey;

  @Field(() => String, { description: 'The whole key. Shown this once: store it now.' })
  secret!: string;
}

@InputType()
export class CreateUserInput {
  @Field(() => String)
  email!: string;

  @Field(() => String)
  name!: string;

  @Field(() => RoleEnum)
  role!: Role;

  @Field(() => ID, {
    nullable: true,
    description: 'District (officers of a district) or ward code.',
  })
  unitCode?: string;

  @Field(() => String, { description: 'At least 10 characters.' })
  password!: string;
}

@InputType({
  description:
    "Fields to change; the ones left out keep their value. The role and unit the person ends up with must fit together, as for createUser; a new role or unit ends the person's sessions.",
})
export class UpdateUserInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => RoleEnum, {
    nullable: true,
    description: "A person's role (machines get API keys).",
  })
  role?: Role | null;

  @Field(() => ID, {
    nullable: true,
    description:
      'District (officers of a district) or ward code; null for a role without one (CITY_ADMIN, TRACER).',
  })
  unitCode?: string | null;
}

@InputType()
export class CreateApiKeyInput {
  @Field(() => String, { description: 'Which system uses it, e.g. "Kiosk backend, Hoàn Kiếm".' })
  name!: string;

  @Field(() => ApiKeyRoleEnum)
  role!: ApiKeyRole;

  @Field(() => DateTimeResolver, { nullable: true })
  expiresAt?: Date;
}
