import { expect } from 'chai';
import { MikroORM } from '@mikro-orm/postgresql';
import { createDatabaseIfMissing, dropDatabase, withDatabase } from '../db/database';
import { ormOptions } from '../db/mikro-orm.config';
import { queryRows } from '../db/sql';
import { testEnv } from '../../test/harness';

describe('the migration that adds the accounts’ search columns', () => {
  it('fills them for the users and keys that exist already, as new ones are filled', async function () {
    this.timeout(60_000);
    const { databaseUrl } = testEnv();
    const url = withDatabase(databaseUrl, `${new URL(databaseUrl).pathname.slice(1)}_s`);
    await createDatabaseIfMissing(url);
    const orm = await MikroORM.init(ormOptions(url, { pool: { min: 0, max: 2 } }));
    try {
      const migrator = orm.getMigrator();
      await migrator.up({ to: 'Migration20261202070000_login_sessions' });
      await queryRows(
        orm,
        `insert into app_user (id, email, name, role, password_hash, created_at) values
           ('00000000-0000-4000-8000-000000000001', 'ha.dang@hanoi.gov.vn', 'Đặng Thu Hà', 'TRACER', 'x', now()),
           ('00000000-0000-4000-8000-000000000002', 'an@hanoi.gov.vn', 'An', 'CITY_ADMIN', 'x', now())`,
      );
      await queryRows(
        orm,
        `insert into api_key (id, name, role, owner_id, prefix, secret_hash, created_at) values
           ('00000000-0000-4000-8000-000000000003', 'Kiosk Hoàn Kiếm', 'SCAN_SOURCE',
            '00000000-0000-4000-8000-000000000002', 'AbC123', '\\x00', now())`,
      );
      await migrator.up();
      expect(
        await queryRows(
          orm,
          'select email, search_text, name_sort from app_user order by email collate "C"',
        ),
      ).to.deep.equal([
        { email: 'an@hanoi.gov.vn', search_text: 'an@hanoi.gov.vn an', name_sort: 'an' },
        {
          email: 'ha.dang@hanoi.gov.vn',
          search_text: 'ha.dang@hanoi.gov.vn dang thu ha',
          name_sort: 'dang thu ha',
        },
      ]);
      expect(await queryRows(orm, 'select search_text, name_sort from api_key')).to.deep.equal([
        { search_text: 'kiosk hoan kiem abc123', name_sort: 'kiosk hoan kiem' },
      ]);
      const [{ nullable }] = await queryRows<{ nullable: string }>(
        orm,
        `select string_agg(is_nullable, '') as nullable from information_schema.columns
         where table_name in ('app_user', 'api_key') and column_name in ('search_text', 'name_sort')`,
      );
      expect(nullable).to.equal('NO'.repeat(4));
    } finally {
      await orm.close(true);
      await dropDatabase(url);
    }
  });
});
