import { createHash } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Role } from '@quetma/shared';
import type { AreaDirectory } from '../../areas/area-directory';
import { accountSearchColumns } from '../../auth/account-search';
import { apiKeyFromParts } from '../../auth/api-keys/api-key-format';
import { createUser } from '../../auth/users/user.service';
import { analyzeTables } from '../analyze';
import { queryRows } from '../sql';

/** The demo password of every demo account (development mode only). */
export const DEMO_PASSWORD = 'quetma-demo';

export const DEMO_USERS: { email: string; name: string; role: Role; unitCode?: string }[] = [
  { email: 'admin@demo.quetma.vn', name: 'Quản trị thành phố (demo)', role: 'CITY_ADMIN' },
  {
    email: 'ba-dinh@demo.quetma.vn',
    name: 'Cán bộ Quận Ba Đình (demo)',
    role: 'DISTRICT_OFFICER',
    unitCode: '001',
  },
  {
    email: 'phuc-xa@demo.quetma.vn',
    name: 'Cán bộ Phường Phúc Xá (demo)',
    role: 'WARD_OFFICER',
    unitCode: '00001',
  },
  { email: 'tracer@demo.quetma.vn', name: 'Đội truy vết (demo)', role: 'TRACER' },
];

/** Demo keys are derived from fixed words so that every start can print the same ones. */
function demoKey(word: string) {
  const derive = (part: string) =>
    createHash('sha256').update(`quetma-demo-key:${word}:${part}`).digest();
  return apiKeyFromParts(
    derive('prefix').subarray(0, 4).toString('hex'),
    derive('secret').toString('base64url'),
  );
}

export const DEMO_KEYS = [
  { name: 'Demo integrator', role: 'INTEGRATOR' as const, ...demoKey('integrator') },
  { name: 'Demo scan source', role: 'SCAN_SOURCE' as const, ...demoKey('scan-source') },
];

/**
 * Creates the demo accounts and keys that are missing. Never called in production mode
 * (main.ts), where a default password would be an open door. The keys are returned to print.
 */
export async function seedDemoAccounts(orm: MikroORM, areas: AreaDirectory, now: Date) {
  const existing = new Set(
    (await queryRows<{ email: string }>(orm, 'select email from app_user')).map((row) => row.email),
  );
  const missing = DEMO_USERS.filter((user) => !existing.has(user.email));
  for (const user of missing)
    await createUser(orm, areas, { ...user, password: DEMO_PASSWORD }, now);
  const [admin] = await queryRows<{ id: string }>(orm, 'select id from app_user where email = $1', [
    DEMO_USERS[0].email,
  ]);
  let keysMade = 0;
  for (const key of DEMO_KEYS) {
    const search = accountSearchColumns.apiKey(key.name, key.prefix);
    const made = await queryRows(
      orm,
      `insert into api_key (id, name, search_text, name_sort, role, owner_id, prefix, secret_hash, created_at)
       values (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8) on conflict (prefix) do nothing
       returning id`,
      [
        key.name,
        search.searchText,
        search.nameSort,
        key.role,
        admin.id,
        key.prefix,
        key.secretHash,
        now,
      ],
    );
    keysMade += made.length;
  }
  if (missing.length > 0 || keysMade > 0) await analyzeTables(orm, ['app_user', 'api_key']);
  return DEMO_KEYS.map(({ name, role, key }) => ({ name, role, key }));
}
