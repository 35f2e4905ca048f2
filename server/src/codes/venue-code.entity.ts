import {
  Entity,
  ManyToOne,
  type Opt,
  PrimaryKey,
  Property,
  type Ref,
  Unique,
} from '@mikro-orm/core';
import { VenueEntity } from '../venues/venue.entity';

/**
 * One version of a venue's QR credential. The signed payload names the venue, this version
 * and the signing key id; reissuing revokes the previous version, so a scan of an old poster
 * can be told apart from a forged one.
 */
@Entity({ tableName: 'venue_code' })
@Unique({ properties: ['venue', 'version'] })
export class VenueCodeEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @ManyToOne(() => VenueEntity, { fieldName: 'venue_id', ref: true, deleteRule: 'cascade' })
  venue!: Ref<VenueEntity>;

  @Property({ type: 'integer' })
  version!: number;

  /** Which configured signing key signs this version's payload. */
  @Property({ type: 'text' })
  keyId!: string;

  @Property({ type: 'timestamptz' })
  issuedAt: Opt<Date> = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  revokedAt?: Date;
}
