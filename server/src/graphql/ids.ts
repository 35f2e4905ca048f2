import { badInput } from './errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(id: string): boolean {
  return UUID.test(id);
}

/** Ids are UUIDs: anything else is refused before it reaches the database. */
export function requireUuid(id: string, field: string, what: string): string {
  if (!isUuid(id)) throw badInput(field, `is not ${what} id (a UUID): ${JSON.stringify(id)}`);
  return id.toLowerCase();
}
