import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * Every stored scan's id, once. The scan table is partitioned by time, so its key has to hold
 * `scanned_at` and cannot stop a retry sent with another time; this unique id is what makes a
 * scan stored once and every retry a duplicate — across flushes and server processes too, as a
 * second insert of an id waits for the first to commit and then finds it. One index probe per
 * scan, where looking an id up in the scan table probes every daily partition. Retention deletes
 * the ids of the days it drops, found by a BRIN index on `scanned_at`: ids arrive roughly in
 * time order, so it costs almost nothing at insert.
 */
@Entity({ tableName: 'scan_id' })
@Index({
  name: 'scan_id_scanned_at_brin',
  expression: 'create index "scan_id_scanned_at_brin" on "scan_id" using brin ("scanned_at")',
})
export class ScanIdEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'timestamptz' })
  scannedAt!: Date;
}
