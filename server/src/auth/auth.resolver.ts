import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { PageArgs, pageComplexity, type Connection, type Order } from '../graphql/connection';
import { listPage } from '../graphql/list-query';
import type { GraphQLContext } from '../graphql/context';
import { tooManyRequests } from '../graphql/errors';
import { requireUuid } from '../graphql/ids';
import { ApiKeyFilter, ApiKeyOrder, type ApiKeyOrderField } from './api-keys/api-key-list.input';
import { API_KEY_LIST } from './api-keys/api-key-list.query';
import { createApiKey, revokeApiKey, type ApiKeyRow } from './api-keys/api-key.service';
import {
  ApiKey,
  ApiKeyConnection,
  Caller,
  CallerKind,
  CreateApiKeyInput,
  CreatedApiKey,
  CreateUserInput,
  Session,
  UpdateUserInput,
  User,
  UserConnection,
} from './auth.types';
import {
  login,
  logout,
  refreshSession,
  type Session as SessionRow,
} from './sessions/session.service';
import { UserFilter, UserOrder, type UserOrderField } from './users/user-list.input';
import { USER_LIST } from './users/user-list.query';
import {
  createUser,
  disableUser,
  enableUser,
  findUser,
  updateUser,
  type UserRow,
} from './users/user.service';

const tooManyLogins = (retryAfterSeconds: number) =>
  tooManyRequests(
    `Too many login attempts from your address: try again in ${retryAfterSeconds} s.`,
    retryAfterSeconds,
  );

@Resolver()
export class AuthResolver {
  @Mutation(() => Session, {
    description: 'Logs a person in. Repeated failures are slowed, then locked out.',
  })
  async login(
    @Arg('email', () => String) email: string,
    @Arg('password', () => String) password: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Session> {
    const allowed = await ctx.loginLimiter.take(ctx.address ?? 'unknown');
    if (!allowed.allowed) throw tooManyLogins(allowed.retryAfterSeconds);
    return this.withUser(
      ctx,
      await login(ctx.authPool, ctx.config, email, password, ctx.address, ctx.now()),
    );
  }

  @Mutation(() => Session, {
    description: 'A new session for a refresh token, which then stops working.',
  })
  async refreshSession(
    @Arg('refreshToken', () => String) refreshToken: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Session> {
    return this.withUser(
      ctx,
      await refreshSession(ctx.authPool, ctx.config, refreshToken, ctx.now()),
    );
  }

  @Mutation(() => Boolean, {
    description: 'Ends the session of this refresh token; true if it was open.',
  })
  logout(
    @Arg('refreshToken', () => String) refreshToken: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<boolean> {
    return logout(ctx.authPool, refreshToken, ctx.now());
  }

  @Query(() => Caller, { description: 'Who the server takes you for.' })
  me(@Ctx() ctx: GraphQLContext): Caller {
    const identity = ctx.identity;
    return {
      kind: identity.kind === 'API_KEY' ? CallerKind.API_KEY : CallerKind.USER,
      id: identity.id!,
      label: identity.label!,
      role: identity.role!,
      unitCode: identity.scope?.code ?? null,
    };
  }

  @Query(() => UserConnection, {
    complexity: pageComplexity,
    description: 'People who log in, filtered, sorted and paged (at most 500 a page).',
  })
  users(
    @Ctx() ctx: GraphQLContext,
    @Args(() => PageArgs, { validate: false }) page: PageArgs,
    @Arg('filter', () => UserFilter, { nullable: true }) filter?: UserFilter,
    @Arg('orderBy', () => [UserOrder], { nullable: true }) orderBy?: Order<UserOrderField>[],
  ): Promise<Connection<UserRow>> {
    return listPage(ctx.orm, USER_LIST, { ...page, filter, orderBy }, ctx.areas);
  }

  @Mutation(() => User, { description: 'Creates an account for a person (machines get API keys).' })
  async createUser(
    @Arg('input', () => CreateUserInput) input: CreateUserInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    return await createUser(ctx.orm, ctx.areas, input, ctx.now());
  }

  @Mutation(() => User, {
    description:
      "Changes a person's name, role or unit; a new role or unit ends their sessions (they log in again with it).",
  })
  async updateUser(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateUserInput) input: UpdateUserInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<User> {
    return await updateUser(
      ctx.orm,
      ctx.areas,
      requireUuid(id, 'id', 'a user'),
      input,
      ctx.identity.id,
      ctx.now(),
    );
  }

  @Mutation(() => User, {
    description:
      'Enables a disabled account again; its old sessions stay ended, so the person logs in again.',
  })
  async enableUser(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<User> {
    return await enableUser(ctx.orm, requireUuid(id, 'id', 'a user'));
  }

  @Mutation(() => User, { description: 'Disables an account and ends its sessions.' })
  async disableUser(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<User> {
    return await disableUser(ctx.orm, requireUuid(id, 'id', 'a user'), ctx.now());
  }

  @Query(() => ApiKeyConnection, {
    complexity: pageComplexity,
    description:
      'API keys, newest first by default, filtered, sorted and paged (at most 500 a page).',
  })
  apiKeys(
    @Ctx() ctx: GraphQLContext,
    @Args(() => PageArgs, { validate: false }) page: PageArgs,
    @Arg('filter', () => ApiKeyFilter, { nullable: true }) filter?: ApiKeyFilter,
    @Arg('orderBy', () => [ApiKeyOrder], { nullable: true }) orderBy?: Order<ApiKeyOrderField>[],
  ): Promise<Connection<ApiKeyRow>> {
    return listPage(ctx.orm, API_KEY_LIST, { ...page, filter, orderBy }, ctx.now());
  }

  @Mutation(() => CreatedApiKey, {
    description: 'Creates an API key; its secret is shown only in this answer.',
  })
  async createApiKey(
    @Arg('input', () => CreateApiKeyInput) input: CreateApiKeyInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<CreatedApiKey> {
    const created = await createApiKey(ctx.orm, input, ctx.identity.id!, ctx.now());
    return { apiKey: created.key, secret: created.secret };
  }

  @Mutation(() => ApiKey, { description: 'Revokes an API key at once.' })
  async revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<ApiKey> {
    return revokeApiKey(ctx.orm, requireUuid(id, 'id', 'an API key'), ctx.now());
  }

  private async withUser(ctx: GraphQLContext, session: SessionRow): Promise<Session> {
    return { ...session, user: (await findUser(ctx.authPool, session.userId))! };
  }
}
