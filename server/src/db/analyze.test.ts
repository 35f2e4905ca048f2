import { expect } from 'chai';
import { resetData, testEnv } from '../../test/harness';
import { DEMO_KEYS, DEMO_USERS, seedDemoAccounts } from './seeders/demo-accounts.seeder';
import { DEMO_TABLES, seedDemoData } from './seeders/demo.seeder';
import { seedHanoiUnits } from './seeders/units.seeder';
import { queryRows } from './sql';

/** The database's clock: what last_analyze is measured by. */
async function databaseNow(): Promise<Date> {
  const [{ now }] = await queryRows<{ now: Date }>(
    testEnv().orm,
    'select clock_timestamp() as now',
  );
  return now;
}

/**
 * For each table, whether an ANALYZE ran on it since `since` and left the planner column
 * statistics. Only an explicit ANALYZE sets last_analyze (autovacuum's is last_autoanalyze),
 * and the partitioned scan table has statistics of its own (`inherited`) only from one.
 */
async function analyzedSince(tables: readonly string[], since: Date) {
  const rows = await queryRows<{ table: string; analyzed: boolean; statistics: boolean }>(
    testEnv().orm,
    `select t.relname as table,
       coalesce(t.last_analyze >= $2, false) as analyzed,
       exists (select 1 from pg_stats s where s.schemaname = 'public' and s.tablename = t.relname
               and s.inherited = (c.relkind = 'p')) as statistics
     from pg_stat_user_tables t join pg_class c on c.oid = t.relid
     where t.schemaname = 'public' and t.relname = any($1::text[])
     order by t.relname`,
    [tables, since],
  );
  return Object.fromEntries(
    rows.map((r) => [r.table, { analyzed: r.analyzed, statistics: r.statistics }]),
  );
}

const everyTable = (tables: readonly string[], state: { analyzed: boolean; statistics: boolean }) =>
  Object.fromEntries([...tables].sort().map((table) => [table, state]));

describe('statistics after a bulk load', () => {
  before(resetData);

  after(async () => {
    await resetData();
    // the demo accounts are not the test callers: leave the accounts as the harness made them
    await queryRows(testEnv().orm, 'delete from api_key where prefix = any($1::text[])', [
      DEMO_KEYS.map((k) => k.prefix),
    ]);
    await queryRows(testEnv().orm, 'delete from app_user where email = any($1::text[])', [
      DEMO_USERS.map((u) => u.email),
    ]);
  });

  it('leaves the planner statistics of every table the demo seed wrote', async function () {
    this.timeout(180_000);
    const { orm, areas, config } = testEnv();
    const since = await databaseNow();
    await seedDemoAccounts(orm, areas, new Date());
    // a week of scans instead of four: the same tables, written the same way
    const seeded = await seedDemoData(orm, areas, { ...config, now: new Date(), days: 7 });
    expect(seeded?.scans).to.be.greaterThan(1_000);

    const tables = [...DEMO_TABLES, 'app_user', 'api_key'];
    expect(await analyzedSince(tables, since)).to.deep.equal(
      everyTable(tables, { analyzed: true, statistics: true }),
    );
    // and each day's partition of scans, where the planner reads them
    const partitions = (
      await queryRows<{ name: string }>(
        orm,
        'select distinct tableoid::regclass::text as name from scan',
      )
    ).map((row) => row.name);
    expect(partitions).to.have.length.greaterThanOrEqual(6);
    expect(await analyzedSince(partitions, since)).to.deep.equal(
      everyTable(partitions, { analyzed: true, statistics: true }),
    );
  });

  it('analyzes the unit table after a units load that changed it, and not after one that did not', async () => {
    const { orm } = testEnv();
    // a ward renamed since the GSO list: the next load of Hà Nội writes it back
    await queryRows(
      orm,
      `update administrative_unit set name = 'Phường Trúc Bạch (cũ)' where code = '00004'`,
    );
    const since = await databaseNow();
    expect(await seedHanoiUnits(orm)).to.equal(1);
    expect(await analyzedSince(['administrative_unit'], since)).to.deep.equal({
      administrative_unit: { analyzed: true, statistics: true },
    });

    const later = await databaseNow();
    expect(await seedHanoiUnits(orm)).to.equal(0);
    expect(
      (await analyzedSince(['administrative_unit'], later)).administrative_unit.analyzed,
    ).to.equal(false);
  });
});
