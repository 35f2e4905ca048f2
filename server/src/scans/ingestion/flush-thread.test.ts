import { randomUUID } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import { expect } from 'chai';
import { localDayOf } from '@quetma/shared';
import { registerVenue } from '../../../test/factories';
import { graphqlData, testEnv } from '../../../test/harness';
import { queryRows } from '../../db/sql';
import { forgetScanPartitions } from '../scan-store';
import { FlushThread } from './flush-thread';
import type { PendingScan } from './scan-flush';

/** One scan whose code is not a quetma code: judged in the thread, nothing stored. */
function malformedScan(): PendingScan {
  return scanWith('not-a-code', new Date());
}

function scanWith(code: string, scannedAt: Date): PendingScan {
  return {
    item: {
      id: randomUUID(),
      code,
      scannedAt,
      direction: 'IN',
      method: 'VISITOR_SCANNED_VENUE',
      person: '0912345678',
      healthDeclaration: null,
    },
    receivedAt: new Date(),
    sourceKeyId: randomUUID(),
  };
}

describe('FlushThread: the ingestion thread', () => {
  const newThread = () => {
    const { orm, config } = testEnv();
    return new FlushThread({
      databaseUrl: orm.config.get('clientUrl')!,
      config,
      connections: 1,
    });
  };

  it('answers a flush from its own thread, and ends when closed', async () => {
    const thread = newThread();
    const verdicts = await thread.flush([malformedScan(), malformedScan()], new Date());
    expect(verdicts.map((v) => v.status === 'REJECTED' && v.reason)).to.deep.equal([
      'MALFORMED_CODE',
      'MALFORMED_CODE',
    ]);
    await thread.close();
  });

  it('fails the flushes a dying thread held, and starts a new thread for the next', async () => {
    const thread = newThread();
    await thread.flush([malformedScan()], new Date());
    const held = thread.flush([malformedScan()], new Date());
    // the thread dies with the flush in hand (a crash, say)
    await (thread as unknown as { worker: Worker }).worker.terminate();
    const error = await held.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(Error);
    expect((error as Error).message).to.match(/ingestion thread stopped/);
    const next = await thread.flush([malformedScan()], new Date());
    expect(next[0]).to.include({ status: 'REJECTED', reason: 'MALFORMED_CODE' });
    await thread.close();
  });

  it('stores into a day whose partition was dropped after the thread had used it', async () => {
    const venueId = await registerVenue({ registeredAt: '2021-07-01T08:00:00+07:00' });
    const { venue } = await graphqlData<any>(
      'query($id: ID!) { venue(id: $id) { currentCode { payload } } }',
      { id: venueId },
    );
    const thread = newThread();
    const now = new Date();
    const at = new Date(now.getTime() - 60_000);
    const first = await thread.flush([scanWith(venue.currentCode.payload, at)], now);
    expect(first[0].status).to.equal('ACCEPTED');
    // retention (another thread, or process) drops the day the thread remembers as made
    const partition = `scan_p${localDayOf(at).replaceAll('-', '')}`;
    await queryRows(testEnv().orm, `drop table ${partition}`);
    forgetScanPartitions();
    const again = await thread.flush([scanWith(venue.currentCode.payload, at)], now);
    expect(again[0].status).to.equal('ACCEPTED');
    const [row] = await queryRows<{ n: number }>(
      testEnv().orm,
      `select count(*)::int as n from ${partition}`,
    );
    expect(row.n).to.equal(1);
    await thread.close();
  });
});
