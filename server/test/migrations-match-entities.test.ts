import { expect } from 'chai';
import { Client } from 'pg';
import { MikroORM } from '@mikro-orm/postgresql';
import { createDatabaseIfMissing, dropDatabase, withDatabase } from '../src/db/database';
import { ormOptions } from '../src/db/mikro-orm.config';
import { testEnv } from './harness';

/**
 * The schema as PostgreSQL itself describes it, one line per object: tables with their
 * persistence (UNLOGGED), storage options and partitioning, columns, indexes (method, operator
 * classes, collations), constraints, functions, extensions. MikroORM's own comparison sees less
 * (an index it cannot parse is compared by name only), so a BRIN or trigram index declared as a
 * plain one would pass it.
 */
async function describeSchema(databaseUrl: string): Promise<string[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // the tables the schema declares: not the migrator's bookkeeping, not a day's partition of
    // scans (data, made as scans come; one that retention detached is dropped by its next run)
    const tables = `select c.oid from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm') and not c.relispartition
        and c.relname !~ '^scan_p[0-9]{8}$' and c.relname <> 'mikro_orm_migrations'`;
    const queries = [
      `select format('table %s (%s)%s%s%s', c.relname, c.relkind,
                case when c.relpersistence = 'u' then ' unlogged' else '' end,
                coalesce(' partition by ' || pg_get_partkeydef(c.oid), ''),
                coalesce(' with ' || c.reloptions::text, '')) as line
         from pg_class c where c.oid in (${tables})`,
      `select format('column %s.%s %s%s%s%s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                case when a.attnotnull then ' not null' else '' end,
                coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), ''),
                case when a.attcollation <> t.typcollation then ' collate ' || a.attcollation::regcollation::text else '' end) as line
         from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_type t on t.oid = a.atttypid
         left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
         where a.attrelid in (${tables}) and a.attnum > 0 and not a.attisdropped`,
      `select format('index %s', pg_get_indexdef(i.indexrelid)) as line
         from pg_index i where i.indrelid in (${tables})`,
      `select format('constraint %s.%s %s', k.conrelid::regclass::text, k.conname, pg_get_constraintdef(k.oid)) as line
         from pg_constraint k where k.conrelid in (${tables})`,
      `select format('trigger %s', pg_get_triggerdef(g.oid)) as line
         from pg_trigger g where g.tgrelid in (${tables}) and not g.tgisinternal`,
      `select format('sequence %s', c.relname) as line from pg_class c
         join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind = 'S'
           and not exists (select 1 from pg_depend d
                           where d.objid = c.oid and d.refobjid = to_regclass('mikro_orm_migrations'))`,
      // an extension's own functions come with it: only those the schema itself made
      `select format('function %s', p.oid::regprocedure::text) as line from pg_proc p
         join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public'
           and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')`,
      `select format('extension %s', e.extname) as line from pg_extension e where e.extname <> 'plpgsql'`,
    ];
    const lines: string[] = [];
    for (const sql of queries) lines.push(...(await client.query(sql)).rows.map((r) => r.line));
    return lines.sort();
  } finally {
    await client.end();
  }
}

/** `lines` without `expected`, each of which must be there: an exception that went stale fails. */
function withoutExactly(lines: string[], expected: string[], of: string): string[] {
  expect(lines, `the known differences, in the database ${of}`).to.include.members(expected);
  return lines.filter((line) => !expected.includes(line));
}

describe('the entities and the migrations', () => {
  it('leave `migration:create` nothing to write', async () => {
    const { orm } = testEnv();
    // what the schema generator would change in a database the migrations made
    const update = await orm.schema.getUpdateSchemaSQL({ wrap: false });
    expect(update.trim(), 'entities against the migrated database').to.equal('');
    // and what the migrator would generate against its snapshot (.snapshot-quetma.json)
    expect(
      await orm.getMigrator().checkMigrationNeeded(),
      'entities against the snapshot',
    ).to.equal(false);
  });

  it('describe the same database, but for what MikroORM cannot declare', async function () {
    this.timeout(60_000);
    const { databaseUrl } = testEnv();
    const fromEntities = withDatabase(databaseUrl, `${new URL(databaseUrl).pathname.slice(1)}_e`);
    await createDatabaseIfMissing(fromEntities);
    try {
      const orm = await MikroORM.init(ormOptions(fromEntities, { pool: { min: 0, max: 2 } }));
      try {
        // MikroORM 6 has no way to declare an extension; the trigram index needs this one
        await orm.em.getConnection().execute('create extension if not exists pg_trgm');
        await orm.schema.createSchema();
      } finally {
        await orm.close(true);
      }
      const migrated = withoutExactly(
        await describeSchema(databaseUrl),
        [
          // partitioning: MikroORM 6 can neither declare a partitioned table nor the function that
          // makes its daily partitions, and PostgreSQL prints a partitioned table's indexes ON ONLY
          'table scan (p) partition by RANGE (scanned_at)',
          'function quetma_ensure_scan_partitions(date,date)',
          'index CREATE INDEX scan_person_hash_scanned_at_index ON ONLY public.scan USING btree (person_hash, scanned_at)',
          'index CREATE INDEX scan_venue_id_scanned_at_index ON ONLY public.scan USING btree (venue_id, scanned_at)',
          'index CREATE UNIQUE INDEX scan_pkey ON ONLY public.scan USING btree (id, scanned_at)',
          // storage parameters: MikroORM 6 has no table options to declare a fillfactor with
          'table venue_activity (r) with {fillfactor=70}',
          'table venue_day_scans (r) with {fillfactor=70}',
          // persistence: MikroORM 6 cannot declare an UNLOGGED table
          'table rate_limit_bucket (r) unlogged',
        ],
        'the migrations made',
      );
      const entities = withoutExactly(
        await describeSchema(fromEntities),
        [
          // the same tables as entities alone make them, in place of the lines above
          'table scan (r)',
          'index CREATE INDEX scan_person_hash_scanned_at_index ON public.scan USING btree (person_hash, scanned_at)',
          'index CREATE INDEX scan_venue_id_scanned_at_index ON public.scan USING btree (venue_id, scanned_at)',
          'index CREATE UNIQUE INDEX scan_pkey ON public.scan USING btree (id, scanned_at)',
          'table venue_activity (r)',
          'table venue_day_scans (r)',
          'table rate_limit_bucket (r)',
        ],
        'the entities made',
      );
      expect({
        onlyFromEntities: entities.filter((line) => !migrated.includes(line)),
        onlyFromMigrations: migrated.filter((line) => !entities.includes(line)),
      }).to.deep.equal({ onlyFromEntities: [], onlyFromMigrations: [] });
    } finally {
      await dropDatabase(fromEntities);
    }
  });
});
