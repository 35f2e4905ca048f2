import { Migration } from '@mikro-orm/migrations';
import { accountSearchColumns } from '../../auth/account-search';

/**
 * Users and API keys are listed with a search that ignores case and diacritics and sorted by a
 * folded name, as venues are: both columns hold text folded by shared/src/search-text.ts, so
 * existing rows are filled here by the same code that fills new ones.
 */
export class Migration20261202153113_account_search extends Migration {
  override async up(): Promise<void> {
    for (const table of ['app_user', 'api_key'] as const) {
      await this.execute(
        `alter table "${table}" add column "search_text" text null, add column "name_sort" text null;`,
      );
      const rows = (await this.execute(
        table === 'app_user'
          ? `select id, email, name from app_user`
          : `select id, name, prefix from api_key`,
      )) as { id: string; email?: string; name: string; prefix?: string }[];
      const folded = rows.map((row) => ({
        id: row.id,
        ...(table === 'app_user'
          ? accountSearchColumns.user(row.email!, row.name)
          : accountSearchColumns.apiKey(row.name, row.prefix!)),
      }));
      await this.execute(
        `update "${table}" t set "search_text" = f.search_text, "name_sort" = f.name_sort
         from json_to_recordset(?::json) as f(id uuid, search_text text, name_sort text)
         where t.id = f.id`,
        [
          JSON.stringify(
            folded.map((f) => ({ id: f.id, search_text: f.searchText, name_sort: f.nameSort })),
          ),
        ],
      );
      await this.execute(
        `alter table "${table}" alter column "search_text" set not null, alter column "name_sort" set not null;`,
      );
    }
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "api_key" drop column "search_text", drop column "name_sort";`);
    this.addSql(`alter table "app_user" drop column "search_text", drop column "name_sort";`);
  }
}
