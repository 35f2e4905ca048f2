import { Migration } from '@mikro-orm/migrations';

/** The function as Migration20261127040250 made it, with `onCreateRace` where a partition is made. */
function ensurePartitionsFunction(onCreateRace: string): string {
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
          ${onCreateRace}
        end if;
        d := d + 1;
      end loop;
      return created;
    end $$;`;
}

const CREATE = `execute format(
            'create table %I partition of scan for values from (%L) to (%L)',
            part, (d::text || ' 00:00:00+07')::timestamptz, ((d + 1)::text || ' 00:00:00+07')::timestamptz);
          created := created + 1;`;

/**
 * Partitions are made on a day's first scans, and several flushes bring those at once (every
 * midnight): both saw the partition missing, and the second one's CREATE failed, and its whole
 * flush with it (HTTP 500). The partition another transaction made meanwhile is now taken as made.
 */
export class Migration20261127110000_scan_partitions_once extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      ensurePartitionsFunction(`begin
          ${CREATE}
        exception when duplicate_table or unique_violation then
          -- made by another transaction since to_regclass looked: what this one wanted
          null;
        end;`),
    );
  }

  override async down(): Promise<void> {
    this.addSql(ensurePartitionsFunction(CREATE));
  }
}
