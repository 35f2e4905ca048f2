import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Role } from '@quetma/shared';
import type { AreaDirectory } from '../../areas/area-directory';
import { queryRows, type HasConnection } from '../../db/sql';
import { badInput, conflict, notFound } from '../../graphql/errors';
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
  const name = input.name.trim();
  if (!name) throw badInput('name', 'must not be empty');
  if (input.role === 'INTEGRATOR' || input.role === 'SCAN_SOURCE') {
    throw badInput('role', `${input.role} is a machine role: create an API key instead`);
  }
  const unitCode = input.unitCode ?? null;
  if (input.role === 'DISTRICT_OFFICER' && !areas.find(unitCode ?? '', 'DISTRICT')) {
    throw badInput(
      'unitCode',
      'a district officer needs the 3-digit code of their district, e.g. 001',
    );
  }
  if (input.role === 'WARD_OFFICER' && !areas.find(unitCode ?? '', 'WARD')) {
    throw badInput('unitCode', 'a ward officer needs the 5-digit code of their ward, e.g. 00001');
  }
  if ((input.role === 'CITY_ADMIN' || input.role === 'TRACER') && unitCode) {
    throw badInput('unitCode', `a ${input.role} works city-wide and has no unit`);
  }
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
