import { Migration } from '@mikro-orm/migrations';

/** quetma_ensure_scan_partitions, with `make` where a missing partition is made. */
function ensurePartitionsFunction(make: string): string {
  return `
    create or replace function quetma_ensure_scan_partitions(from_day date, to_day date) returns integer
    language plpgsql as $$
    declare
      d date := from_day;
      created integer := 0;
      part text;
    begin
      while d <= to_day loop
        part := 'scan_p' || to_char(d, 'YYYYMMDD');
        if to_regclass(part) is null then
          ${make}
        end if;
        d := d + 1;
      end loop;
      return created;
    end $$;`;
}

const BOUNDS = `(d::text || ' 00:00:00+07')::timestamptz, ((d + 1)::text || ' 00:00:00+07')::timestamptz`;

/**
 * A day's scan partition is made by its first scans, and two things went wrong there:
 * - several flushes bring those at once (every midnight): each saw the partition missing, and
 *   the later ones' CREATE failed, and their whole flushes with it (HTTP 500). A partition
 *   another transaction made meanwhile is now taken as made;
 * - `create table … partition of scan` locks `scan` exclusively, so it waited for any query
 *   reading scans (a tracing look-up, a dump) and every flush queued behind it. The partition
 *   is now made apart and attached, which locks `scan` only against other schema changes:
 *   reads and inserts go on.
 */
export class Migration20261127110000_scan_partitions_once extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      ensurePartitionsFunction(`begin
            execute format('create table %I (like scan including defaults including constraints)', part);
            execute format('alter table scan attach partition %I for values from (%L) to (%L)', part, ${BOUNDS});
            created := created + 1;
          exception when duplicate_table or duplicate_object or unique_violation then
            -- made by another transaction since to_regclass looked: what this one wanted
            null;
          end;`),
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      ensurePartitionsFunction(`execute format(
            'create table %I partition of scan for values from (%L) to (%L)', part, ${BOUNDS});
          created := created + 1;`),
    );
  }
}
