import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { badInput } from '../../graphql/errors';
import { MAX_SCANS_PER_REQUEST } from './scan-item';
import { ScanInput } from './scan.input';
import { RecordScansResult } from './scan.type';

@Resolver()
export class ScanResolver {
  @Mutation(() => RecordScansResult, {
    description:
      'Records scans from a check-in app or kiosk (SCAN_SOURCE keys), at most 1,000 a request: each is accepted, a duplicate of one stored before, or rejected with a reason. A bad item never fails the others. Answered once the accepted scans are committed. POST /api/scans does the same over plain JSON.',
  })
  async recordScans(
    @Arg('scans', () => [ScanInput]) scans: ScanInput[],
    @Ctx() ctx: GraphQLContext,
  ): Promise<RecordScansResult> {
    if (scans.length > MAX_SCANS_PER_REQUEST) {
      throw badInput(
        'scans',
        `at most ${MAX_SCANS_PER_REQUEST} scans a request, not ${scans.length}: send the rest in another`,
      );
    }
    // the access table lets only SCAN_SOURCE keys here, so there is always a key id
    return ctx.scanIngestion.record(scans, ctx.identity.id!);
  }
}
