import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';
import { Venue, type VenueRow } from '../venues/venue.type';
import { payloadOf, reissueVenueCode } from './venue-code.service';
import { VenueCode } from './venue-code.type';

@Resolver(() => VenueCode)
export class VenueCodeResolver {
  @FieldResolver(() => String, {
    description:
      'What the QR code carries: `QM1.<venue>.<version>.<key id>.<signature>`, signed by the server. ' +
      'A check-in app sends it back unchanged with each scan.',
  })
  payload(@Root() code: VenueCode, @Ctx() ctx: GraphQLContext): string {
    return payloadOf(ctx.config.codeSigningKeys, code);
  }

  @Mutation(() => Venue, {
    description:
      "Revokes the venue's code in force and issues the next version: scans of posters printed " +
      'before are rejected as REVOKED_CODE from then on. Print the new poster.',
  })
  async reissueVenueCode(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<VenueRow> {
    const venueId = await reissueVenueCode(
      {
        em: ctx.em,
        areas: ctx.areas,
        now: ctx.now(),
        codeKeyId: ctx.config.codeKeyId,
        scope: ctx.identity.scope,
      },
      id,
    );
    ctx.loaders.currentCode.clear(venueId);
    return (await ctx.loaders.venueById.clear(venueId).load(venueId))!;
  }
}
