import { Field, ObjectType } from 'type-graphql';
import { badInput } from './errors';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;
/** Past this, a client should page with `after`: a large OFFSET reads and throws away rows. */
export const MAX_OFFSET = 100_000;

@ObjectType({ description: 'Where a page of a connection stands (Relay).' })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean)
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface PageRequest {
  first: number;
  after: unknown[] | undefined;
  offset: number;
}

/** Checks `first`, `after` and `offset` and decodes the cursor; errors name the argument. */
export function readPageArgs(
  first: number | undefined | null,
  after: string | undefined | null,
  offset: number | undefined | null,
): PageRequest {
  const size = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw badInput(
      'first',
      `must be between 1 and ${MAX_PAGE_SIZE} (got ${size}); page on with \`after\``,
    );
  }
  const skip = offset ?? 0;
  if (!Number.isInteger(skip) || skip < 0 || skip > MAX_OFFSET) {
    throw badInput(
      'offset',
      `must be between 0 and ${MAX_OFFSET} (got ${skip}); page further with \`after\``,
    );
  }
  return { first: size, after: after ? decodeCursor(after) : undefined, offset: skip };
}

/** Cursors are opaque to clients: the sort key of a row, as base64url JSON. */
export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string): unknown[] {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key)) return key;
  } catch {
    // reported below
  }
  throw badInput(
    'after',
    'is not a cursor this API gave out; use a pageInfo.endCursor or edge cursor',
  );
}
