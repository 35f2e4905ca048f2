import { Migration } from '@mikro-orm/migrations';

export class Migration20261127050414_scan_sources_and_declarations extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "scan" add column "source_key_id" uuid null, add column "declaration_encrypted" bytea null, add column "reports_risk" boolean not null default false;`,
    );

    this.addSql(
      `alter table "venue_day_scans" add column "risk_declarations" int not null default 0;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table "scan" drop column "source_key_id", drop column "declaration_encrypted", drop column "reports_risk";`,
    );

    this.addSql(`alter table "venue_day_scans" drop column "risk_declarations";`);
  }
}
