import { Migration } from '@mikro-orm/migrations';

/**
 * Ingestion at speed: scan ids in a table of their own, one people row per ward instead of one
 * per unit level, and room for in-place updates of the per-venue rollups.
 */
export class Migration20261127062901_scan_ids_and_ward_people extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "scan_id" ("id" uuid not null, "scanned_at" timestamptz not null, constraint "scan_id_pkey" primary key ("id"));`,
    );
    // retention deletes ids by time; ids arrive roughly in time order, so a BRIN index finds
    // them for almost nothing at insert
    this.addSql(`create index "scan_id_scanned_at_brin" on "scan_id" using brin ("scanned_at");`);
    this.addSql(`insert into "scan_id" ("id", "scanned_at")
      select "id", min("scanned_at") from "scan" group by "id";`);

    this.addSql(
      `create table "ward_day_person" ("day" date not null, "ward_code" text not null, "person_hash" bytea not null, constraint "ward_day_person_pkey" primary key ("day", "ward_code", "person_hash"));`,
    );
    this.addSql(`insert into "ward_day_person" ("day", "ward_code", "person_hash")
      select p."day", p."unit_code", p."person_hash" from "unit_day_person" p
      join "administrative_unit" u on u."code" = p."unit_code" and u."level" = 'WARD';`);
    this.addSql(`drop table if exists "unit_day_person" cascade;`);

    // every flush updates these rows; free space on their pages lets PostgreSQL update them in
    // place (HOT), without a new index entry each time
    this.addSql(`alter table "venue_activity" set (fillfactor = 70);`);
    this.addSql(`alter table "venue_day_scans" set (fillfactor = 70);`);
  }

  override async down(): Promise<void> {
    this.addSql(
      `create table "unit_day_person" ("unit_code" text not null, "day" date not null, "person_hash" bytea not null, constraint "unit_day_person_pkey" primary key ("unit_code", "day", "person_hash"));`,
    );
    this.addSql(`insert into "unit_day_person" ("unit_code", "day", "person_hash")
      select distinct u."code", p."day", p."person_hash" from "ward_day_person" p
      join "administrative_unit" w on w."code" = p."ward_code"
      join "administrative_unit" d on d."code" = w."parent_code"
      cross join lateral (values (w."code"), (d."code"), (d."parent_code")) as u("code");`);
    this.addSql(`alter table "venue_activity" reset (fillfactor);`);
    this.addSql(`alter table "venue_day_scans" reset (fillfactor);`);
    this.addSql(`drop table if exists "scan_id" cascade;`);
    this.addSql(`drop table if exists "ward_day_person" cascade;`);
  }
}
