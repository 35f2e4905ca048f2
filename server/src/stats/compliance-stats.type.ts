import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '../graphql/scalars';

@ObjectType({
  description:
    "Figures of one administrative unit for one local day (Asia/Ho_Chi_Minh), as README 'The figures' defines them.",
})
export class ComplianceStats {
  @Field(() => DateScalar)
  date!: string;

  @Field(() => ID, { description: 'The unit these figures are for.' })
  unitCode!: string;

  @Field(() => Int, {
    description:
      'Venues of the unit registered before the end of the day and not closed before its start.',
  })
  registeredVenues!: number;

  @Field(() => Int, {
    description: 'Registered venues with at least one accepted scan during the day.',
  })
  activeVenues!: number;

  @Field(() => Int, {
    description: 'Registered venues with no accepted scan up to the end of the day.',
  })
  neverScannedVenues!: number;

  @Field(() => Int, {
    description:
      'Registered venues that scanned before, but not in the 7 days up to and including the day.',
  })
  dormantVenues!: number;

  @Field(() => Int, { description: "Accepted scans during the day in the unit's venues." })
  scans!: number;

  @Field(() => Int, { description: 'Distinct persons behind those scans.' })
  people!: number;

  @Field(() => Float, {
    description: 'activeVenues / registeredVenues (0 when nothing is registered).',
  })
  activeRate!: number;
}
