import path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
/** Stack frames kept: where it failed, not the whole of Node's internals. */
const FRAMES = 8;

interface DatabaseErrorLike {
  code?: unknown;
  severity?: unknown;
  routine?: unknown;
  table?: unknown;
  column?: unknown;
  constraint?: unknown;
}

/**
 * What an unexpected error may write to the server's log. A database error's message and
 * detail can hold the statement and its parameters (MikroORM puts the whole INSERT, with a
 * registrant's name and phone, into its message): for those only the SQLSTATE and the names of
 * the table, column and constraint are kept. Stacks are cut short, with paths from the
 * repository's root.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return `a thrown ${typeof error}`;
  const database = databaseErrorIn(error);
  const headline = database
    ? `${error.name}: database error ${String(database.code)}${names(database)}`
    : `${error.name}: ${error.message}`;
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, FRAMES)
    .map((line) => line.split(REPO_ROOT + path.sep).join(''));
  return [headline, ...frames].join('\n');
}

type Wrapped = DatabaseErrorLike & { name?: unknown; cause?: unknown; originalError?: unknown };

/** An error and the ones it wraps (GraphQL's originalError, a cause), five deep at most. */
function* errorChain(error: unknown): Generator<Wrapped> {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const wrapped = current as Wrapped;
    yield wrapped;
    current = wrapped.originalError ?? wrapped.cause;
  }
}

/** The driver's error behind an error, if any: it carries a five-character SQLSTATE. */
function databaseErrorIn(error: Error): DatabaseErrorLike | undefined {
  for (const candidate of errorChain(error)) {
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code))
      return candidate;
  }
  return undefined;
}

function names(error: DatabaseErrorLike): string {
  const parts = (['routine', 'table', 'column', 'constraint'] as const)
    .filter((key) => typeof error[key] === 'string')
    .map((key) => `${key} ${String(error[key])}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/** True for a statement cut off by statement_timeout, or a wait for a pooled connection given up. */
export function isDatabaseTimeout(error: unknown): 'statement' | 'connection' | undefined {
  for (const candidate of errorChain(error)) {
    if (candidate.code === '57014') return 'statement';
    if (candidate.name === 'KnexTimeoutError') return 'connection';
  }
  return undefined;
}
