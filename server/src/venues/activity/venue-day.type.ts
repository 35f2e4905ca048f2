import { Field, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '../../graphql/scalars';

/**
 * A venue's scans on one local day, from the rollup kept at ingest (venue_day_scans). No
 * `people`: distinct persons are kept per ward (ward_day_person), not per venue, and counting
 * them here would read raw scans.
 */
@ObjectType({ description: 'A venue on one local day (Asia/Ho_Chi_Minh).' })
export class VenueDay {
  @Field(() => DateScalar)
  date!: string;

  @Field(() => Int, { description: 'Accepted scans at the venue during the day.' })
  scans!: number;
}
