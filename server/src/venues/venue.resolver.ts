import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { addDays, localDayOf, localDayStart, type ScanStatus } from '@quetma/shared';
import { City, District, Ward } from '../areas/administrative-unit.type';
import type { AreaUnit } from '../areas/area-directory';
import { VenueCode } from '../codes/venue-code.type';
import { PageArgs, pageComplexity, type Connection, type Order } from '../graphql/connection';
import { listPage } from '../graphql/list-query';
import type { GraphQLContext } from '../graphql/context';
import { requireUuid } from '../graphql/ids';
import {
  RegisterVenueInput,
  UpdateVenueInput,
  VenueFilter,
  VenueOrder,
  type VenueOrderField,
} from './venue.input';
import { VENUE_LIST } from './venue-list.query';
import { closeVenue, registerVenue, updateVenue, type VenueRules } from './venue.service';
import { ScanStatusEnum, Venue, VenueConnection, type VenueRow } from './venue.type';

@Resolver(() => Venue)
export class VenueResolver {
  @Query(() => VenueConnection, {
    complexity: pageComplexity,
    description: 'Venues, filtered, sorted and paged (at most 500 a page).',
  })
  venues(
    @Ctx() ctx: GraphQLContext,
    @Args(() => PageArgs, { validate: false }) page: PageArgs,
    @Arg('filter', () => VenueFilter, { nullable: true }) filter?: VenueFilter,
    @Arg('orderBy', () => [VenueOrder], { nullable: true }) orderBy?: Order<VenueOrderField>[],
  ): Promise<Connection<VenueRow>> {
    return listPage(
      ctx.orm,
      VENUE_LIST,
      { ...page, filter, orderBy },
      { areas: ctx.areas, now: ctx.now(), scope: ctx.identity.scope },
    );
  }

  @Query(() => Venue, { nullable: true })
  async venue(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<VenueRow | null> {
    return ctx.loaders.venueById.load(requireUuid(id, 'id', 'a venue'));
  }

  @Mutation(() => Venue, { description: 'Registers a venue and issues its first code version.' })
  async registerVenue(
    @Arg('input', () => RegisterVenueInput) input: RegisterVenueInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<VenueRow> {
    const id = await registerVenue(rules(ctx), input);
    return (await ctx.loaders.venueById.load(id))!;
  }

  @Mutation(() => Venue)
  async updateVenue(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateVenueInput) input: UpdateVenueInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<VenueRow> {
    const venueId = await updateVenue(rules(ctx), id, input);
    return (await ctx.loaders.venueById.clear(venueId).load(venueId))!;
  }

  @Mutation(() => Venue, {
    description:
      'Closes a venue: it still counts as registered on the day it closes, and no longer from the next day.',
  })
  async closeVenue(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: GraphQLContext,
    @Arg('closedAt', () => DateTimeResolver, { nullable: true, description: 'Defaults to now.' })
    closedAt?: Date,
    @Arg('reason', () => String, { nullable: true }) reason?: string,
  ): Promise<VenueRow> {
    const venueId = await closeVenue(rules(ctx), id, closedAt, reason);
    return (await ctx.loaders.venueById.clear(venueId).load(venueId))!;
  }

  @FieldResolver(() => Ward)
  ward(@Root() venue: VenueRow, @Ctx() ctx: GraphQLContext): AreaUnit {
    return ctx.areas.lineage(venue.wardCode).ward;
  }

  @FieldResolver(() => District)
  district(@Root() venue: VenueRow, @Ctx() ctx: GraphQLContext): AreaUnit {
    return ctx.areas.lineage(venue.wardCode).district;
  }

  @FieldResolver(() => City)
  city(@Root() venue: VenueRow, @Ctx() ctx: GraphQLContext): AreaUnit {
    return ctx.areas.lineage(venue.wardCode).city;
  }

  @FieldResolver(() => ScanStatusEnum, {
    description: 'How the venue stands today (see ScanStatus).',
  })
  scanStatus(@Root() venue: VenueRow, @Ctx() ctx: GraphQLContext): ScanStatus {
    if (!venue.lastScanAt) return 'NEVER_SCANNED';
    const windowStart = localDayStart(addDays(localDayOf(ctx.now()), -6));
    return venue.lastScanAt.getTime() >= windowStart.getTime() ? 'ACTIVE' : 'DORMANT';
  }

  @FieldResolver(() => VenueCode, { nullable: true, description: 'The code version in force.' })
  currentCode(@Root() venue: VenueRow, @Ctx() ctx: GraphQLContext): Promise<VenueCode | null> {
    return ctx.loaders.currentCode.load(venue.id);
  }
}

function rules(ctx: GraphQLContext): VenueRules {
  return {
    em: ctx.em,
    areas: ctx.areas,
    now: ctx.now(),
    codeKeyId: ctx.config.codeKeyId,
    scope: ctx.identity.scope,
  };
}
