import { Entity, OneToOne, type Opt, Property } from '@mikro-orm/core';
import { VenueEntity } from '../../venues/venue.entity';

/**
 * Per venue: first and last accepted scan and the running count, kept current in the same
 * transaction as the scans. The never-scanned and dormant figures and the `scanStatus` filter
 * read this row instead of raw scans.
 */
@Entity({ tableName: 'venue_activity' })
export class VenueActivityEntity {
  @OneToOne(() => VenueEntity, { primary: true, fieldName: 'venue_id', deleteRule: 'cascade' })
  venue!: VenueEntity;

  @Property({ type: 'timestamptz' })
  firstScanAt!: Date;

  @Property({ type: 'timestamptz' })
  lastScanAt!: Date;

  @Property({ type: 'bigint' })
  scans: Opt<number> = 0;
}
