import { expect } from 'chai';
import { testEnv } from '../../test/harness';
import { queryRows } from './sql';

describe('plain SQL through the ORM (db/sql.ts)', () => {
  it("runs inside em.transactional on that transaction's connection: it sees what the transaction wrote, and is undone with it", async () => {
    const orm = testEnv().orm;
    const countOf = async (db: Parameters<typeof queryRows>[0]) =>
      (
        await queryRows<{ n: number }>(
          db,
          `select count(*)::int as n from audit_log where action = 'sql.test'`,
        )
      )[0].n;
    const insert = `insert into audit_log (at, actor_kind, action, arguments, outcome) values (now(), 'ANONYMOUS', 'sql.test', '{}', 'OK')`;
    const inside = await orm.em
      .fork()
      .transactional(async (tx) => {
        await queryRows(tx, insert);
        const seen = { inTransaction: await countOf(tx), elsewhere: await countOf(orm) };
        throw Object.assign(new Error('roll back'), { seen });
      })
      .catch((error: { seen: { inTransaction: number; elsewhere: number } }) => error.seen);
    expect(inside).to.deep.equal({ inTransaction: 1, elsewhere: 0 });
    expect(await countOf(orm)).to.equal(0);
  });
});
