import { Migration } from '@mikro-orm/migrations';

export class Migration20261127044239_accounts extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "audit_log" ("id" bigserial primary key, "at" timestamptz not null, "actor_kind" text not null, "actor_id" uuid null, "actor_label" text null, "role" text null, "action" text not null, "arguments" jsonb not null, "address" text null, "outcome" text not null);`,
    );
    this.addSql(`create index "audit_log_actor_id_at_index" on "audit_log" ("actor_id", "at");`);
    this.addSql(`create index "audit_log_at_index" on "audit_log" ("at");`);

    this.addSql(
      `create table "login_throttle" ("key" text not null, "failures" int not null default 0, "last_failure_at" timestamptz not null, "locked_until" timestamptz null, constraint "login_throttle_pkey" primary key ("key"));`,
    );

    this.addSql(
      `create table "app_user" ("id" uuid not null, "email" text not null, "name" text not null, "role" text check ("role" in ('CITY_ADMIN', 'DISTRICT_OFFICER', 'WARD_OFFICER', 'TRACER', 'INTEGRATOR', 'SCAN_SOURCE')) not null, "unit_code" text null, "password_hash" text not null, "created_at" timestamptz not null, "disabled_at" timestamptz null, constraint "app_user_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "app_user" add constraint "app_user_email_unique" unique ("email");`);

    this.addSql(
      `create table "refresh_token" ("id" uuid not null, "user_id" uuid not null, "token_hash" bytea not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "revoked_at" timestamptz null, constraint "refresh_token_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "refresh_token_user_id_index" on "refresh_token" ("user_id");`);
    this.addSql(
      `alter table "refresh_token" add constraint "refresh_token_token_hash_unique" unique ("token_hash");`,
    );

    this.addSql(
      `create table "api_key" ("id" uuid not null, "name" text not null, "role" text check ("role" in ('INTEGRATOR', 'SCAN_SOURCE')) not null, "owner_id" uuid not null, "prefix" text not null, "secret_hash" bytea not null, "created_at" timestamptz not null, "expires_at" timestamptz null, "last_used_at" timestamptz null, "revoked_at" timestamptz null, constraint "api_key_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "api_key" add constraint "api_key_prefix_unique" unique ("prefix");`);

    this.addSql(
      `alter table "app_user" add constraint "app_user_unit_code_foreign" foreign key ("unit_code") references "administrative_unit" ("code") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "refresh_token" add constraint "refresh_token_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "api_key" add constraint "api_key_owner_id_foreign" foreign key ("owner_id") references "app_user" ("id") on update cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "refresh_token" drop constraint "refresh_token_user_id_foreign";`);

    this.addSql(`alter table "api_key" drop constraint "api_key_owner_id_foreign";`);

    this.addSql(`drop table if exists "audit_log" cascade;`);

    this.addSql(`drop table if exists "login_throttle" cascade;`);

    this.addSql(`drop table if exists "app_user" cascade;`);

    this.addSql(`drop table if exists "refresh_token" cascade;`);

    this.addSql(`drop table if exists "api_key" cascade;`);
  }
}
