import { randomUUID } from 'node:crypto';
import type { ScanDirection, VenueCategory } from '@quetma/shared';
import { withPgTransaction } from '../src/db/sql';
import { encryptPersonId, hashPersonId } from '../src/scans/person-identity';
import { storeScans } from '../src/scans/scan-store';
import { graphqlData, testEnv } from './harness';

export interface VenueSpec {
  name?: string;
  category?: VenueCategory;
  address?: string;
  wardCode?: string;
  registeredAt?: string;
  registrantPhone?: string;
}

let counter = 0;

/** Registers a venue through the real mutation; returns its id. */
export async function registerVenue(spec: VenueSpec = {}): Promise<string> {
  counter += 1;
  const data = await graphqlData<{ registerVenue: { id: string } }>(
    `mutation Register($input: RegisterVenueInput!) { registerVenue(input: $input) { id } }`,
    {
      input: {
        name: spec.name ?? `Quán thử nghiệm ${counter}`,
        category: spec.category ?? 'RESTAURANT',
        address: spec.address ?? `Số ${counter} phố Hàng Bạc`,
        wardCode: spec.wardCode ?? '00001',
        registrantName: 'Nguyễn Văn An',
        registrantPhone: spec.registrantPhone ?? '0912345678',
        registeredAt: spec.registeredAt,
      },
    },
  );
  return data.registerVenue.id;
}

export async function closeVenue(id: string, closedAt: string): Promise<void> {
  await graphqlData(
    `mutation Close($id: ID!, $at: DateTime) { closeVenue(id: $id, closedAt: $at) { id } }`,
    {
      id,
      at: closedAt,
    },
  );
}

export interface ScanSpec {
  venueId: string;
  /** An instant, e.g. '2021-08-09T23:59:00+07:00'. */
  at: string;
  /** The person's phone; a new person when left out. */
  person?: string;
  direction?: ScanDirection;
  /** The health declaration sent with it reports a risk. */
  reportsRisk?: boolean;
}

/** Stores accepted scans with their rollups, as ingestion does. */
export async function addScans(scans: ScanSpec[]): Promise<void> {
  const { config, orm } = testEnv();
  await withPgTransaction(orm, (client) =>
    storeScans(
      client,
      scans.map((scan) => {
        const person =
          scan.person ?? `09${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
        const scannedAt = new Date(scan.at);
        return {
          id: randomUUID(),
          venueId: scan.venueId,
          codeVersion: 1,
          scannedAt,
          receivedAt: scannedAt,
          direction: scan.direction ?? 'IN',
          method: 'VISITOR_SCANNED_VENUE',
          personHash: hashPersonId(config.personHashKey, person),
          personEncrypted: encryptPersonId(config.personEncryptionKey, person),
          reportsRisk: scan.reportsRisk ?? false,
        };
      }),
    ),
  );
}
