import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { DateScalar } from '../../graphql/scalars';
import { MAX_SERIES_DAYS, seriesComplexity, seriesDays } from '../../stats/stats-day';
import { Venue, type VenueRow } from '../venue.type';
import { VenueDay } from './venue-day.type';

@Resolver(() => Venue)
export class VenueActivityResolver {
  @FieldResolver(() => [VenueDay], {
    description: `Accepted scans per local day from \`from\` to \`to\`, both included (at most ${MAX_SERIES_DAYS} days, not after today), one entry per day, days without scans as 0.`,
    complexity: seriesComplexity(0),
  })
  activity(
    @Root() venue: VenueRow,
    @Arg('from', () => DateScalar) from: string,
    @Arg('to', () => DateScalar) to: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<VenueDay[]> {
    seriesDays(from, to, ctx.now());
    return ctx.loaders.venueDays.load({ venueId: venue.id, from, to });
  }
}
