import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { queryRows } from '../../db/sql';
import { badInput, notFound } from '../../graphql/errors';
import { accountSearchColumns } from '../account-search';
import { newApiKey } from './api-key-format';
import { forgetApiKey } from '../authenticate';
import type { ApiKeyRole } from './api-key.entity';

export interface ApiKeyRow {
  id: string;
  name: string;
  role: ApiKeyRole;
  ownerId: string;
  ownerEmail: string;
  prefix: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export const KEY_COLUMNS = `k.id, k.name, k.role, k.owner_id as "ownerId", u.email as "ownerEmail", k.prefix,
  k.created_at as "createdAt", k.expires_at as "expiresAt", k.last_used_at as "lastUsedAt", k.revoked_at as "revokedAt"`;

/** Creates a key; the full key is returned this once and never stored. */
export async function createApiKey(
  orm: MikroORM,
  input: { name: string; role: ApiKeyRole; expiresAt?: Date | null },
  ownerId: string,
  now: Date,
): Promise<{ key: ApiKeyRow; secret: string }> {
  const name = input.name.trim();
  if (!name) throw badInput('name', 'must not be empty: say which system uses the key');
  if (input.expiresAt && input.expiresAt.getTime() <= now.getTime()) {
    throw badInput('expiresAt', 'must be in the future');
  }
  const made = newApiKey();
  const search = accountSearchColumns.apiKey(name, made.prefix);
  const id = randomUUID();
  await queryRows(
    orm,
    `insert into api_key (id, name, search_text, name_sort, role, owner_id, prefix, secret_hash, created_at, expires_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      id,
      name,
      search.searchText,
      search.nameSort,
      input.role,
      ownerId,
      made.prefix,
      made.secretHash,
      now,
      input.expiresAt ?? null,
    ],
  );
  return { key: (await findApiKey(orm, id))!, secret: made.key };
}

export async function findApiKey(orm: MikroORM, id: string): Promise<ApiKeyRow | undefined> {
  const rows = await queryRows<ApiKeyRow>(
    orm,
    `select ${KEY_COLUMNS} from api_key k join app_user u on u.id = k.owner_id where k.id = $1`,
    [id],
  );
  return rows[0];
}

/** Revokes a key at once; revoking twice keeps the first time. */
export async function revokeApiKey(orm: MikroORM, id: string, now: Date): Promise<ApiKeyRow> {
  const rows = await queryRows<{ id: string }>(
    orm,
    'update api_key set revoked_at = coalesce(revoked_at, $2) where id = $1 returning id',
    [id, now],
  );
  if (!rows[0]) throw notFound(`No API key has the id ${id}.`, 'id');
  const key = (await findApiKey(orm, id))!;
  forgetApiKey(key.prefix);
  return key;
}
