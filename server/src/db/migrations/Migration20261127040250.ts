import { Migration } from '@mikro-orm/migrations';

export class Migration20261127040250 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "administrative_unit" ("code" text not null, "name" text not null, "type" text not null, "level" text check ("level" in ('CITY', 'DISTRICT', 'WARD')) not null, "parent_code" text null, constraint "administrative_unit_pkey" primary key ("code"));`,
    );
    this.addSql(
      `create index "administrative_unit_parent_code_index" on "administrative_unit" ("parent_code");`,
    );

    this.addSql(
      `create table "scan" ("id" uuid not null, "scanned_at" timestamptz not null, "venue_id" uuid not null, "code_version" int not null, "received_at" timestamptz not null, "direction" text check ("direction" in ('IN', 'OUT')) not null, "method" text check ("method" in ('VISITOR_SCANNED_VENUE', 'STAFF_SCANNED_PERSON', 'MANUAL_ENTRY')) not null, "person_hash" bytea not null, "person_encrypted" bytea not null, constraint "scan_pkey" primary key ("id", "scanned_at")) partition by range ("scanned_at");`,
    );
    // Hand-added below the generated statements: MikroORM cannot express partitioning.
    // One partition per local day (UTC+7), made by quetma_ensure_scan_partitions when the day's
    // first scans are stored, and dropped whole by retention. No foreign key to venue: ingestion
    // checks the venue, and a distributed scans table (Citus) cannot reference a table
    // distributed on another key.
    this.addSql(
      `create index "scan_venue_id_scanned_at_index" on "scan" ("venue_id", "scanned_at");`,
    );
    this.addSql(
      `create index "scan_person_hash_scanned_at_index" on "scan" ("person_hash", "scanned_at");`,
    );
    this.addSql(`
      create function quetma_ensure_scan_partitions(from_day date, to_day date) returns integer
      language plpgsql as $$
      declare
        d date := from_day;
        created integer := 0;
        part text;
      begin
        while d <= to_day loop
          part := 'scan_p' || to_char(d, 'YYYYMMDD');
          if to_regclass(part) is null then
            execute format(
              'create table %I partition of scan for values from (%L) to (%L)',
              part, (d::text || ' 00:00:00+07')::timestamptz, ((d + 1)::text || ' 00:00:00+07')::timestamptz);
            created := created + 1;
          end if;
          d := d + 1;
        end loop;
        return created;
      end $$;`);

    this.addSql(
      `create table "unit_day_person" ("unit_code" text not null, "day" date not null, "person_hash" bytea not null, constraint "unit_day_person_pkey" primary key ("unit_code", "day", "person_hash"));`,
    );

    this.addSql(
      `create table "venue" ("id" uuid not null, "name" text not null, "search_text" text not null, "name_sort" text not null, "category" text check ("category" in ('AGENCY_OFFICE', 'HOSPITAL', 'SCHOOL', 'ENTERPRISE', 'SHOPPING_CENTRE', 'SUPERMARKET', 'CONVENIENCE_STORE', 'MARKET', 'RESTAURANT', 'CAFE', 'HOTEL', 'STATIONERY_REPAIR', 'TRANSPORT', 'APARTMENT_BUILDING', 'RESIDENTIAL_GROUP', 'CHECKPOINT')) not null, "address" text not null, "ward_code" text not null, "district_code" text not null, "city_code" text not null, "registrant_name" text not null, "registrant_phone" text not null, "is_agency_headquarters" boolean not null default false, "registered_at" timestamptz not null, "status" text check ("status" in ('ACTIVE', 'SUSPENDED', 'CLOSED')) not null default 'ACTIVE', "closed_at" timestamptz null, "closed_reason" text null, "updated_at" timestamptz not null, constraint "venue_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "venue_ward_code_index" on "venue" ("ward_code");`);
    this.addSql(`create index "venue_registered_at_index" on "venue" ("registered_at");`);
    this.addSql(`create index "venue_city_code_index" on "venue" ("city_code");`);
    this.addSql(`create index "venue_district_code_index" on "venue" ("district_code");`);
    // Hand-added: search ignores case and diacritics by matching folded text with trigrams,
    // and the default order (folded name, then id) is an index scan.
    this.addSql(`create extension if not exists pg_trgm;`);
    this.addSql(
      `create index "venue_search_text_trgm_index" on "venue" using gin ("search_text" gin_trgm_ops);`,
    );
    this.addSql(
      `create index "venue_name_sort_id_index" on "venue" ("name_sort" collate "C", "id");`,
    );

    this.addSql(
      `create table "venue_day_scans" ("venue_id" uuid not null, "day" date not null, "scans" int not null default 0, constraint "venue_day_scans_pkey" primary key ("venue_id", "day"));`,
    );
    this.addSql(
      `create index "venue_day_scans_day_venue_id_index" on "venue_day_scans" ("day", "venue_id");`,
    );

    this.addSql(
      `create table "venue_code" ("id" uuid not null, "venue_id" uuid not null, "version" int not null, "key_id" text not null, "issued_at" timestamptz not null, "revoked_at" timestamptz null, constraint "venue_code_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "venue_code" add constraint "venue_code_venue_id_version_unique" unique ("venue_id", "version");`,
    );

    this.addSql(
      `create table "venue_activity" ("venue_id" uuid not null, "first_scan_at" timestamptz not null, "last_scan_at" timestamptz not null, "scans" bigint not null default 0, constraint "venue_activity_pkey" primary key ("venue_id"));`,
    );

    this.addSql(
      `alter table "administrative_unit" add constraint "administrative_unit_parent_code_foreign" foreign key ("parent_code") references "administrative_unit" ("code") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "venue" add constraint "venue_ward_code_foreign" foreign key ("ward_code") references "administrative_unit" ("code") on update cascade;`,
    );

    this.addSql(
      `alter table "venue_day_scans" add constraint "venue_day_scans_venue_id_foreign" foreign key ("venue_id") references "venue" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "venue_code" add constraint "venue_code_venue_id_foreign" foreign key ("venue_id") references "venue" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "venue_activity" add constraint "venue_activity_venue_id_foreign" foreign key ("venue_id") references "venue" ("id") on update cascade on delete cascade;`,
    );
  }
}
