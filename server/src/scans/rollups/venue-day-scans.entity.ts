import { Entity, Index, ManyToOne, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { VenueEntity } from '../../venues/venue.entity';

/** Per venue and local day (Asia/Ho_Chi_Minh): accepted scans. The active and scans figures. */
@Entity({ tableName: 'venue_day_scans' })
@Index({ properties: ['day', 'venue'] })
export class VenueDayScansEntity {
  @ManyToOne(() => VenueEntity, { primary: true, fieldName: 'venue_id', deleteRule: 'cascade' })
  venue!: VenueEntity;

  @PrimaryKey({ type: 'date' })
  day!: string;

  @Property({ type: 'integer' })
  scans: Opt<number> = 0;

  /** Health declarations that report a risk, for tracers. */
  @Property({ type: 'integer', default: 0 })
  riskDeclarations: Opt<number> = 0;
}
