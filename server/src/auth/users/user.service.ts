import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Role } from '@quetma/shared';
import type { AreaDirectory } from '../../areas/area-directory';
import { queryRows, withPgTransaction, type HasConnection } from '../../db/sql';
import { badInput, conflict, forbidden, notFound } from '../../graphql/errors';
import { accountSearchColumns } from '../account-search';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../sessions/passwords';

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  unitCode?: string | null;
  password: string;
}

export interface UserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  unitCode: string | null;
  createdAt: Date;
  disabledAt: Date | null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const USER_COLUMNS = `id, email, name, role, unit_code as "unitCode", created_at as "createdAt", disabled_at as "disabledAt"`;

/** People only: machines get API keys. Officers need their district or ward; others none. */
export async function createUser(
  orm: MikroORM,
  areas: AreaDirectory,
  input: NewUser,
  now: Date,
): Promise<UserRow> {
  const email = input.email.trim().toLowerCase();
  if (!EMAIL.test(email))
    throw badInput('email', 'must be an email address, e.g. can-bo@hanoi.gov.vn');
  const name = checkName(input.name);
  const unitCode = checkRoleAndUnit(areas, input.role, input.unitCode ?? null);
  if (input.password.length < MIN_PASSWORD_LENGTH) {
    throw badInput('password', `must be at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  const passwordHash = await hashPassword(input.password);
  const search = accountSearchColumns.user(email, name);
  const rows = await queryRows<UserRow>(
    orm,
    `insert into app_user (id, email, name, search_text, name_sort, role, unit_code, password_hash, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     on conflict (email) do nothing
     returning ${USER_COLUMNS}`,
    [
      randomUUID(),
      email,
      name,
      search.searchText,
      search.nameSort,
      input.role,
      unitCode,
      passwordHash,
      now,
    ],
  );
  if (!rows[0]) throw conflict(`An account with the email ${email} exists already.`, 'email');
  return rows[0];
}

export async function findUser(db: HasConnection, id: string): Promise<UserRow | undefined> {
  const rows = await queryRows<UserRow>(db, `select ${USER_COLUMNS} from app_user where id = $1`, [
    id,
  ]);
  return rows[0];
}

function checkName(input: string): string {
  const name = input.trim();
  if (!name) throw badInput('name', 'must not be empty');
  return name;
}

/**
 * A person's role and unit as they go together: a district officer has a district, a ward
 * officer a ward, a city admin or a tracer none; machine roles are for API keys. Answers the
 * unit to store (none as null).
 */
function checkRoleAndUnit(
  areas: AreaDirectory,
  role: Role,
  unitCodeInput: string | null,
): string | null {
  if (role === 'INTEGRATOR' || role === 'SCAN_SOURCE') {
    throw badInput('role', `${role} is a machine role: create an API key instead`);
  }
  const unitCode = unitCodeInput || null;
  if (role === 'DISTRICT_OFFICER' && !areas.find(unitCode ?? '', 'DISTRICT')) {
    throw badInput(
      'unitCode',
      'a district officer needs the 3-digit code of their district, e.g. 001',
    );
  }
  if (role === 'WARD_OFFICER' && !areas.find(unitCode ?? '', 'WARD')) {
    throw badInput('unitCode', 'a ward officer needs the 5-digit code of their ward, e.g. 00001');
  }
  if ((role === 'CITY_ADMIN' || role === 'TRACER') && unitCode) {
    throw badInput(
      'unitCode',
      `a ${role} works city-wide and has no unit: leave unitCode out (or null)`,
    );
  }
  return unitCode;
}

export interface UserChanges {
  /** Left out or null: kept. */
  name?: string | null;
  /** Left out or null: kept. */
  role?: Role | null;
  /** Left out: kept; null: none. */
  unitCode?: string | null;
}

/**
 * Changes a person's name, role or unit; the role and unit they end up with are checked
 * together as createUser checks them. A new role or unit ends the person's sessions, as
 * disableUser does: no token issued with the old powers works after this, and they log in again
 * with the new ones. A city admin may not change their own role or unit (the city would be left
 * without an admin by a slip).
 */
export async function updateUser(
  orm: MikroORM,
  areas: AreaDirectory,
  id: string,
  changes: UserChanges,
  actorId: string | undefined,
  now: Date,
): Promise<UserRow> {
  return withPgTransaction(orm, async (client) => {
    const {
      rows: [user],
    } = await client.query<UserRow>(
      `select ${USER_COLUMNS} from app_user where id = $1 for update`,
      [id],
    );
    if (!user) throw notFound(`No user has the id ${id}.`, 'id');
    const name = changes.name == null ? user.name : checkName(changes.name);
    const role = changes.role ?? user.role;
    const unitCode = checkRoleAndUnit(
      areas,
      role,
      changes.unitCode === undefined ? user.unitCode : changes.unitCode,
    );
    const powersChange = role !== user.role || unitCode !== user.unitCode;
    if (powersChange && id === actorId) {
      throw forbidden('You may not change your own role or unit: ask another city admin.');
    }
    const search = accountSearchColumns.user(user.email, name);
    const {
      rows: [updated],
    } = await client.query<UserRow>(
      `update app_user set name = $2, search_text = $3, name_sort = $4, role = $5, unit_code = $6
       where id = $1 returning ${USER_COLUMNS}`,
      [id, name, search.searchText, search.nameSort, role, unitCode],
    );
    if (powersChange) {
      await client.query(
        'update refresh_token set revoked_at = $2 where user_id = $1 and revoked_at is null',
        [id, now],
      );
    }
    return updated;
  });
}

/**
 * Enables a disabled account again. Its sessions stay ended (disableUser ended them): the
 * person logs in again.
 */
export async function enableUser(orm: MikroORM, id: string): Promise<UserRow> {
  const rows = await queryRows<UserRow>(
    orm,
    `update app_user set disabled_at = null where id = $1 returning ${USER_COLUMNS}`,
    [id],
  );
  if (!rows[0]) throw notFound(`No user has the id ${id}.`, 'id');
  return rows[0];
}

/** Disables an account and ends its sessions: its access tokens are refused from the next request. */
export async function disableUser(orm: MikroORM, id: string, now: Date): Promise<UserRow> {
  const rows = await queryRows<UserRow>(
    orm,
    `with disabled as (
       update app_user set disabled_at = coalesce(disabled_at, $2) where id = $1 returning ${USER_COLUMNS}
     ), ended as (
       update refresh_token set revoked_at = $2 where user_id = $1 and revoked_at is null
     )
     select * from disabled`,
    [id, now],
  );
  if (!rows[0]) throw notFound(`No user has the id ${id}.`, 'id');
  return rows[0];
}
