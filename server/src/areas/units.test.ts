import { expect } from 'chai';
import { MikroORM } from '@mikro-orm/postgresql';
import { createDatabaseIfMissing, dropDatabase, migrate, withDatabase } from '../db/database';
import { ormOptions } from '../db/mikro-orm.config';
import { queryRows, withPgClient } from '../db/sql';
import { seedHanoiUnits, seedUnits } from '../db/seeders/units.seeder';
import { testEnv } from '../../test/harness';
import { AreaDirectory, UNIT_LISTENER_APPLICATION_NAME } from './area-directory';
import { readUnitRows } from './units-data';
import { upsertUnits } from './units.service';

async function countByLevel(orm: MikroORM) {
  const rows = await queryRows<{ level: string; n: number }>(
    orm,
    'select level, count(*)::int as n from administrative_unit group by level',
  );
  return Object.fromEntries(rows.map((r) => [r.level, r.n]));
}

/** Sessions of this database that listen for unit changes (other than the one asking). */
const LISTENERS_SQL = `select pid, application_name as "applicationName", state from pg_stat_activity
  where datname = current_database() and pid <> pg_backend_pid() and query ilike 'listen %'`;

/** Ends the listener's connection from the server's side, as an operator or a failover would. */
const TERMINATE_LISTENERS_SQL = `select pid, pg_terminate_backend(pid) from (${LISTENERS_SQL}) listeners`;

async function waitFor(condition: () => boolean | Promise<boolean>, ms = 5_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return condition();
}

async function removeProvince(orm: MikroORM, code: string): Promise<number> {
  const codes = readUnitRows([code]).map((r) => r.code);
  await queryRows(orm, 'delete from administrative_unit where code = any($1::text[])', [codes]);
  return codes.length;
}

/** Runs `work` while the database at `url` refuses new connections (those open stay open). */
async function refusingConnections<T>(url: string, work: () => Promise<T>): Promise<T> {
  // said from another database: PostgreSQL refuses it from a session of the database itself
  const alter = (allow: boolean) =>
    queryRows(
      testEnv().orm,
      `alter database "${new URL(url).pathname.slice(1)}" with allow_connections ${allow}`,
    );
  await alter(false);
  try {
    return await work();
  } finally {
    await alter(true);
  }
}

describe('administrative units', () => {
  it("ships Hà Nội's 2021 structure: 30 districts (12 Quận, 17 Huyện, 1 Thị xã) and 579 wards", () => {
    const rows = readUnitRows(['01']);
    const districts = rows.filter((r) => r.level === 'DISTRICT');
    const wards = rows.filter((r) => r.level === 'WARD');
    expect(districts).to.have.length(30);
    expect(wards).to.have.length(579);
    const kinds = (list: typeof rows) =>
      list.reduce<Record<string, number>>(
        (acc, r) => ({ ...acc, [r.type]: (acc[r.type] ?? 0) + 1 }),
        {},
      );
    expect(kinds(districts)).to.deep.equal({ Quận: 12, Huyện: 17, 'Thị xã': 1 });
    expect(kinds(wards)).to.deep.equal({ Phường: 175, Xã: 383, 'Thị trấn': 21 });
    for (const row of rows) expect(row.name, row.code).to.equal(row.name.normalize('NFC'));
  });

  describe('the national list, in a database of its own', () => {
    let orm: MikroORM;
    let url: string;

    before(async function () {
      this.timeout(60_000);
      url = withDatabase(
        testEnv().databaseUrl,
        `${new URL(testEnv().databaseUrl).pathname.slice(1)}_units`,
      );
      await createDatabaseIfMissing(url);
      orm = await MikroORM.init(ormOptions(url));
      await migrate(orm);
    });

    after(async () => {
      await orm.close(true);
      await dropDatabase(url);
    });

    it('loads all 63 provinces, 705 districts and 10,599 wards, and loading again changes nothing', async () => {
      await seedHanoiUnits(orm);
      expect(await countByLevel(orm)).to.deep.equal({ CITY: 1, DISTRICT: 30, WARD: 579 });
      const written = await seedUnits(orm);
      expect(written).to.equal(63 + 705 + 10_599 - 610);
      expect(await countByLevel(orm)).to.deep.equal({ CITY: 63, DISTRICT: 705, WARD: 10_599 });
      expect(await seedUnits(orm)).to.equal(0);
    });

    it('tells a running server, whose copy then holds the new units', async () => {
      const directory = await AreaDirectory.load(orm);
      const before = directory.size;
      await orm.em
        .getConnection()
        .execute(`delete from administrative_unit where parent_code = '964'`);
      const stopListening = await directory.listenForChanges(orm, url, (e) => {
        throw e;
      });
      try {
        await directory.reload(orm);
        const shrunk = directory.size;
        expect(shrunk).to.be.lessThan(before);
        await seedUnits(orm, ['96']);
        const deadline = Date.now() + 5_000;
        while (directory.size === shrunk && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 20));
        expect(directory.size).to.equal(before);
        expect(directory.find('96', 'CITY')?.name).to.equal('Tỉnh Cà Mau');
      } finally {
        await stopListening();
      }
    });

    it('listens again after its connection is terminated, and hears the next change', async () => {
      const units = await removeProvince(orm, '95');
      const directory = await AreaDirectory.load(orm);
      const reports: string[] = [];
      const stopListening = await directory.listenForChanges(orm, url, (e) =>
        reports.push(e.message),
      );
      try {
        const [first] = await queryRows<{ pid: number }>(orm, TERMINATE_LISTENERS_SQL);
        expect(first, 'a session listening').to.not.equal(undefined);
        const listening = async () => {
          const [listener] = await queryRows<{ pid: number; state: string }>(orm, LISTENERS_SQL);
          return listener !== undefined && listener.pid !== first.pid && listener.state === 'idle';
        };
        // listening on a new connection, and done catching up: what comes next only NOTIFY tells
        expect(
          await waitFor(
            async () => (await listening()) && reports.length === 2 && /again/.test(reports[1]),
          ),
        ).to.equal(true, `listening again (reports: ${JSON.stringify(reports)})`);
        expect(reports[0]).to.match(/^lost the connection listening for unit changes \(.+\)/);
        expect(reports[1]).to.match(/^listening for unit changes again after /);
        const [listener] = await queryRows<{ applicationName: string }>(orm, LISTENERS_SQL);
        expect(listener.applicationName).to.equal(UNIT_LISTENER_APPLICATION_NAME);

        const size = directory.size;
        await seedUnits(orm, ['95']);
        expect(await waitFor(() => directory.size === size + units)).to.equal(true);
        expect(directory.find('95', 'CITY')?.name).to.equal('Tỉnh Bạc Liêu');
        expect(directory.children('95')).to.not.be.empty;
        expect(reports).to.have.length(2);
      } finally {
        await stopListening();
      }
    });

    it('finds the units changed while it could not listen once it is back', async () => {
      const units = await removeProvince(orm, '94');
      const directory = await AreaDirectory.load(orm);
      const size = directory.size;
      const reports: string[] = [];
      const stopListening = await directory.listenForChanges(orm, url, (e) =>
        reports.push(e.message),
      );
      try {
        // the units are written on a connection opened before the database refuses new ones
        await withPgClient(orm, (client) =>
          refusingConnections(url, async () => {
            expect((await client.query(TERMINATE_LISTENERS_SQL)).rowCount).to.equal(1);
            expect(await waitFor(() => reports.length >= 1)).to.equal(true, 'the loss reported');
            await client.query('begin');
            const written = await upsertUnits(client, readUnitRows(['94']));
            await client.query('commit');
            expect(written).to.equal(units);
            // the attempts after 100, 200 and 400 ms fail; nobody hears the NOTIFY
            await new Promise((r) => setTimeout(r, 800));
            expect(directory.find('94', 'CITY')).to.equal(undefined);
            expect(reports, 'the loss, not each attempt').to.have.length(1);
          }),
        );
        expect(await waitFor(() => directory.size === size + units)).to.equal(true);
        expect(directory.find('94', 'CITY')?.name).to.equal('Tỉnh Sóc Trăng');
        expect(reports).to.have.length(2);
        // at least the three attempts that failed during the 800 ms, then the one that worked; a
        // loaded machine that took longer over the writes made more
        const attempts = /^listening for unit changes again after .* \((\d+) attempt/.exec(
          reports[1],
        );
        expect(Number(attempts?.[1]), reports[1]).to.be.at.least(4);
        expect(await queryRows(orm, LISTENERS_SQL)).to.have.length(1);
      } finally {
        await stopListening();
      }
    });

    it('stops for good when told to, also while it is reconnecting', async () => {
      const directory = await AreaDirectory.load(orm);
      const reports: string[] = [];
      const stopListening = await directory.listenForChanges(orm, url, (e) =>
        reports.push(e.message),
      );
      await withPgClient(orm, (client) =>
        refusingConnections(url, async () => {
          expect((await client.query(TERMINATE_LISTENERS_SQL)).rowCount).to.equal(1);
          expect(await waitFor(() => reports.length >= 1)).to.equal(true, 'the loss reported');
          await new Promise((r) => setTimeout(r, 150));
          await stopListening();
        }),
      );
      // longer than the next two attempts would have waited (200 and 400 ms)
      await new Promise((r) => setTimeout(r, 600));
      expect(await queryRows(orm, LISTENERS_SQL)).to.deep.equal([]);
      const backends = await queryRows(
        orm,
        `select pid from pg_stat_activity where datname = current_database() and application_name = $1`,
        [UNIT_LISTENER_APPLICATION_NAME],
      );
      expect(backends).to.deep.equal([]);
      expect(reports).to.have.length(1);
    });
  });
});
