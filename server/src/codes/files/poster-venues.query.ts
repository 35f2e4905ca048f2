import type { MikroORM } from '@mikro-orm/postgresql';
import type { UnitLevel } from '@quetma/shared';
import { queryRows } from '../../db/sql';
import { VENUE_UNIT_COLUMN } from '../../venues/venue-columns';

/** What a poster prints: the venue and its code version in force. */
export interface PosterVenue {
  id: string;
  name: string;
  address: string;
  wardCode: string;
  status: string;
  /** Null only if the venue has no unrevoked version (every venue is registered with one). */
  version: number | null;
  keyId: string | null;
  issuedAt: Date | null;
}

const COLUMNS = `v.id, v.name, v.address, v.ward_code as "wardCode", v.status,
  c.version, c.key_id as "keyId", c.issued_at as "issuedAt"`;
const CURRENT_CODE = `left join lateral (
    select version, key_id, issued_at from venue_code
    where venue_id = v.id and revoked_at is null order by version desc limit 1
  ) c on true`;

/** The venue, whatever its status (the caller answers 410 for a closed one). */
export async function posterVenueById(orm: MikroORM, id: string): Promise<PosterVenue | null> {
  const [row] = await queryRows<PosterVenue>(
    orm,
    `select ${COLUMNS} from venue v ${CURRENT_CODE} where v.id = $1`,
    [id],
    'poster-venue-by-id',
  );
  return row ?? null;
}

/**
 * A unit's open venues in name order (the folded name, so Đ sorts with D), at most `limit`:
 * a caller asks for one more than it allows to tell "too many" without counting them all.
 */
export async function openPosterVenuesOf(
  orm: MikroORM,
  level: UnitLevel,
  code: string,
  limit: number,
): Promise<PosterVenue[]> {
  const rows = await queryRows<PosterVenue>(
    orm,
    `select ${COLUMNS} from venue v ${CURRENT_CODE}
     where v.${VENUE_UNIT_COLUMN[level]} = $1 and v.status <> 'CLOSED'
     order by v.name_sort collate "C", v.id limit $2`,
    [code, limit],
  );
  return rows;
}

export async function countOpenVenuesOf(
  orm: MikroORM,
  level: UnitLevel,
  code: string,
): Promise<number> {
  const [row] = await queryRows<{ count: number }>(
    orm,
    `select count(*)::int as count from venue v
     where v.${VENUE_UNIT_COLUMN[level]} = $1 and v.status <> 'CLOSED'`,
    [code],
  );
  return row.count;
}
