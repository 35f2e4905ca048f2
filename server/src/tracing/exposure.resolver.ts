import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { DateTimeResolver } from 'graphql-scalars';
import type { GraphQLContext } from '../graphql/context';
import { DateScalar } from '../graphql/scalars';
import { Venue, type VenueRow } from '../venues/venue.type';
import { ExposureReport, Visit } from './exposure.type';
import { traceExposures } from './exposure.service';

@Resolver(() => ExposureReport)
export class ExposureResolver {
  @Query(() => ExposureReport, {
    description:
      "A person's visits in [from, to) (at most 30 days) and the people present at overlapping times, " +
      'with their identifiers decrypted. TRACER only; every call is audited (the subject hidden).',
  })
  exposures(
    @Arg('subject', () => String, {
      description: 'The phone or ID number of the person traced (6 to 20 characters).',
    })
    subject: string,
    @Arg('from', () => DateTimeResolver) from: Date,
    @Arg('to', () => DateTimeResolver, { description: 'Exclusive.' }) to: Date,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ExposureReport> {
    return traceExposures(ctx.orm, ctx.config, { subject, from, to });
  }
}

@Resolver(() => Visit)
export class VisitResolver {
  @FieldResolver(() => Venue)
  async venue(@Root() visit: Visit, @Ctx() ctx: GraphQLContext): Promise<VenueRow> {
    const venue = await ctx.loaders.venueById.load(visit.venueId);
    // venues are closed, never deleted: a scan without its venue is a broken database
    if (!venue) throw new Error(`the venue ${visit.venueId} of a stored scan does not exist`);
    return venue;
  }
}

@Resolver(() => Venue)
export class VenueRiskDeclarationsResolver {
  @FieldResolver(() => Int, {
    description:
      'Health declarations sent with scans here on a local day that reported symptoms, contact with a case or recent travel. TRACER only.',
  })
  riskDeclarations(
    @Root() venue: VenueRow,
    @Arg('date', () => DateScalar) date: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<number> {
    return ctx.loaders.riskDeclarations.load({ venueId: venue.id, day: date });
  }
}
