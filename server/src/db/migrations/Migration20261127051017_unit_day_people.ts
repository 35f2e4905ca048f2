import { Migration } from '@mikro-orm/migrations';

export class Migration20261127051017_unit_day_people extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "unit_day_people" ("unit_code" text not null, "day" date not null, "people" int not null, constraint "unit_day_people_pkey" primary key ("unit_code", "day"));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "unit_day_people" cascade;`);
  }
}
