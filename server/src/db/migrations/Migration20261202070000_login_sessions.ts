import { Migration } from '@mikro-orm/migrations';

/**
 * Access tokens name their login session, which every request checks is still open: logging
 * out or disabling a user ends access at once. Tokens issued before belong to no session and
 * are refused (their users log in again); each existing refresh token becomes a session of its own.
 */
export class Migration20261202070000_login_sessions extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "refresh_token" add column "session_id" uuid null;`);
    this.addSql(`update "refresh_token" set "session_id" = "id";`);
    this.addSql(`alter table "refresh_token" alter column "session_id" set not null;`);
    this.addSql(`create index "refresh_token_session_id_index" on "refresh_token" ("session_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "refresh_token_session_id_index";`);
    this.addSql(`alter table "refresh_token" drop column "session_id";`);
  }
}
