import { randomUUID } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import { expect } from 'chai';
import { testEnv } from '../../../test/harness';
import { FlushThread } from './flush-thread';
import type { PendingScan } from './scan-flush';

/** One scan whose code is not a quetma code: judged in the thread, nothing stored. */
function malformedScan(): PendingScan {
  return {
    item: {
      id: randomUUID(),
      code: 'not-a-code',
      scannedAt: new Date(),
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
});
