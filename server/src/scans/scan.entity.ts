import { Entity, Enum, Index, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { SCAN_DIRECTIONS, SCAN_METHODS, type ScanDirection, type ScanMethod } from '@quetma/shared';

/**
 * One accepted check-in or check-out. The table is partitioned by `scanned_at` (one partition
 * per local day, see the migration), so the key holds the partition column: the client's scan
 * id and its time. A retry may carry another time, so ids are kept unique by scan_id
 * (ScanIdEntity), keyed by the id alone. Person identifiers are never in clear: a keyed hash to
 * match a person's scans and an encrypted copy only tracing decrypts.
 */
@Entity({ tableName: 'scan' })
@Index({ name: 'scan_venue_id_scanned_at_index', properties: ['venueId', 'scannedAt'] })
@Index({ name: 'scan_person_hash_scanned_at_index', properties: ['personHash', 'scannedAt'] })
export class ScanEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @PrimaryKey({ type: 'timestamptz' })
  scannedAt!: Date;

  @Property({ type: 'uuid' })
  venueId!: string;

  @Property({ type: 'integer' })
  codeVersion!: number;

  @Property({ type: 'timestamptz' })
  receivedAt!: Date;

  @Enum({ items: () => SCAN_DIRECTIONS, type: 'text' })
  direction!: ScanDirection;

  @Enum({ items: () => SCAN_METHODS, type: 'text' })
  method!: ScanMethod;

  @Property({ type: 'bytea' })
  personHash!: Buffer;

  @Property({ type: 'bytea' })
  personEncrypted!: Buffer;

  /** The API key (scan source) that sent it. */
  @Property({ type: 'uuid', nullable: true })
  sourceKeyId?: string;

  /** The electronic health declaration sent with the scan, encrypted like the identifier. */
  @Property({ type: 'bytea', nullable: true })
  declarationEncrypted?: Buffer;

  /** The declaration reports symptoms, contact with a case or recent travel. */
  @Property({ type: 'boolean', default: false })
  reportsRisk: Opt<boolean> = false;
}
