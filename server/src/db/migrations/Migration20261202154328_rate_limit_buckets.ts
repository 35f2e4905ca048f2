import { Migration } from '@mikro-orm/migrations';

/**
 * Rate limits counted where every server process sees them (protection/rate-limiter.ts).
 * UNLOGGED: a bucket needs no crash safety (after a crash the table is empty and every key starts
 * full), and a logged table would write WAL, and wait for its flush, at every count.
 */
export class Migration20261202154328_rate_limit_buckets extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create unlogged table "rate_limit_bucket" ("key" text not null, "per_minute" int not null, "level" bigint not null, "granted" int not null, "refilled_at" timestamptz not null, "full_at" timestamptz not null, constraint "rate_limit_bucket_pkey" primary key ("key"));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "rate_limit_bucket" cascade;`);
  }
}
