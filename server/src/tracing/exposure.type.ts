import { Field, Int, ObjectType } from 'type-graphql';
import { DateTimeResolver } from 'graphql-scalars';

@ObjectType({
  description: 'Another person at the same venue during a visit of the subject, and when.',
})
export class Contact {
  @Field(() => String, {
    description:
      'Their phone or ID number, decrypted to reach them; written without spaces, dots, dashes or parentheses, upper case.',
  })
  identifier!: string;

  @Field(() => DateTimeResolver, { description: 'When both were first there together.' })
  overlapStart!: Date;

  @Field(() => DateTimeResolver, { description: 'When one of them left (exclusive).' })
  overlapEnd!: Date;

  @Field(() => Boolean, {
    description:
      'The health declaration sent with their check-in reported symptoms, contact with a case or recent travel.',
  })
  reportsRisk!: boolean;
}

@ObjectType({ description: 'One stay of the subject at a venue, from a check-in.' })
export class Visit {
  /** Resolved to a Venue through the per-request loader. */
  venueId!: string;

  @Field(() => DateTimeResolver, { description: 'The check-in.' })
  start!: Date;

  @Field(() => DateTimeResolver, {
    description:
      'The check-out at the same venue, or else the check-in plus the default stay, cut short by their next check-in anywhere (exclusive).',
  })
  end!: Date;

  @Field(() => Boolean, { description: 'The end is a scanned check-out, not an assumed one.' })
  checkedOut!: boolean;

  @Field(() => [Contact], {
    description:
      'Other people at the venue at overlapping times, by when the overlap began: one entry per visit of theirs.',
  })
  peoplePresent!: Contact[];
}

@ObjectType({ description: "A person's visits in a time window and who was there with them." })
export class ExposureReport {
  @Field(() => String, {
    description:
      'The phone or ID number asked about, without spaces, dots, dashes or parentheses, upper case.',
  })
  subject!: string;

  @Field(() => DateTimeResolver)
  from!: Date;

  @Field(() => DateTimeResolver)
  to!: Date;

  @Field(() => [Visit], {
    description: 'Visits that overlap the window, by check-in time.',
  })
  visits!: Visit[];

  @Field(() => Int, { description: 'Distinct people present during any of the visits.' })
  contacts!: number;
}
