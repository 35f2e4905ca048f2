import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';
import { requireUuid } from '../graphql/ids';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys/api-key.service';
import {
  ApiKey,
  Caller,
  CallerKind,
  CreateApiKeyInput,
  CreatedApiKey,
  CreateUserInput,
  Session,
  User,
} from './auth.types';
import {
  login,
  logout,
  refreshSession,
  type Session as SessionRow,
} from './sessions/session.service';
import { createUser, disableUser, findUser, listUsers } from './users/user.service';

function tooManyLogins(retryAfterSeconds: number): GraphQLError {
  return new GraphQLError(
    `Too many login attempts from your address: try again in ${retryAfterSeconds} s.`,
    {
      extensions: {
        code: 'TOO_MANY_REQUESTS',
        retryAfterSeconds,
        http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfterSeconds)]]) },
      },
    },
  );
}

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

  @Query(() => [User])
  async users(@Ctx() ctx: GraphQLContext): Promise<User[]> {
    return listUsers(ctx.orm);
  }

  @Mutation(() => User, { description: 'Creates an account for a person (machines get API keys).' })
  async createUser(
    @Arg('input', () => CreateUserInput) input: CreateUserInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    return await createUser(ctx.orm, ctx.areas, input, ctx.now());
  }

  @Mutation(() => User, { description: 'Disables an account and ends its sessions.' })
  async disableUser(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<User> {
    return await disableUser(ctx.orm, requireUuid(id, 'id', 'a user'), ctx.now());
  }

  @Query(() => [ApiKey])
  async apiKeys(@Ctx() ctx: GraphQLContext): Promise<ApiKey[]> {
    return listApiKeys(ctx.orm);
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
