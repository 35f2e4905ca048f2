import { expect } from 'chai';
import { MikroORM } from '@mikro-orm/postgresql';
import { createDatabaseIfMissing, dropDatabase, migrate, withDatabase } from '../db/database';
import { ormOptions } from '../db/mikro-orm.config';
import { queryRows } from '../db/sql';
import { seedHanoiUnits, seedUnits } from '../db/seeders/units.seeder';
import { testEnv } from '../../test/harness';
import { AreaDirectory } from './area-directory';
import { readUnitRows } from './units-data';

async function countByLevel(orm: MikroORM) {
  const rows = await queryRows<{ level: string; n: number }>(
    orm,
    'select level, count(*)::int as n from administrative_unit group by level',
  );
  return Object.fromEntries(rows.map((r) => [r.level, r.n]));
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
  });
});
