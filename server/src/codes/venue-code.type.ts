import { Field, Int, ObjectType } from 'type-graphql';
import { DateTimeResolver } from 'graphql-scalars';

@ObjectType({ description: "A version of a venue's QR credential." })
export class VenueCode {
  /** Not a field of its own (the venue is the parent); the payload resolver signs it in. */
  venueId!: string;

  @Field(() => Int)
  version!: number;

  @Field(() => String, { description: 'Id of the key that signs this version.' })
  keyId!: string;

  @Field(() => DateTimeResolver)
  issuedAt!: Date;

  @Field(() => DateTimeResolver, {
    nullable: true,
    description: 'Set when a newer version replaced it.',
  })
  revokedAt!: Date | null;
}
