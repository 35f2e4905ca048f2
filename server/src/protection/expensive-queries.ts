import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type DocumentNode, type SelectionSetNode } from 'graphql';
import type { GraphQLContext } from '../graphql/context';
import { tooManyRequests } from '../graphql/errors';

/**
 * Fields whose cost grows with the area or window asked for: a city's figures read every
 * ward's rollups, a tracing look-up a month of scans. Everything else is priced per item by
 * the complexity limit (query-shape.ts).
 */
const EXPENSIVE_FIELDS = new Set([
  'complianceStats',
  'complianceSeries',
  'stats',
  'statsSeries',
  'exposures',
]);
/** Past this many waiting behind a caller's running ones, more are refused at once. */
const MAX_WAITING_PER_CALLER = 16;

/**
 * One caller's expensive queries run a few at a time, the rest wait their turn: a dozen
 * city-wide figures at once from one integrator no longer take every pooled connection from
 * everyone else (each is also cut off by the statement timeout, db/connection-setup.ts).
 * Counted per server process.
 */
export function expensiveQueriesPlugin(perCaller: number): ApolloServerPlugin<GraphQLContext> {
  const slots = new CallerSlots(perCaller, MAX_WAITING_PER_CALLER);
  return {
    async requestDidStart() {
      let release: (() => void) | undefined;
      let answered = false;
      return {
        async didResolveOperation({ document, operation, contextValue }) {
          if (operation?.operation !== 'query' || !selectsExpensiveField(document)) return;
          const { identity, address } = contextValue;
          const slot = await slots.acquire(identity.id ?? `address:${address ?? 'unknown'}`);
          // Apollo runs the plugins' checks side by side: another's refusal may have been
          // answered while this one waited for its turn
          if (answered) slot();
          else release = slot;
        },
        async willSendResponse() {
          answered = true;
          release?.();
        },
      };
    },
  };
}

function selectsExpensiveField(document: DocumentNode): boolean {
  const visit = (set: SelectionSetNode | undefined): boolean =>
    !!set?.selections.some((selection) =>
      selection.kind === Kind.FIELD
        ? EXPENSIVE_FIELDS.has(selection.name.value) || visit(selection.selectionSet)
        : selection.kind === Kind.INLINE_FRAGMENT
          ? visit(selection.selectionSet)
          : false,
    );
  return document.definitions.some(
    (definition) =>
      (definition.kind === Kind.OPERATION_DEFINITION ||
        definition.kind === Kind.FRAGMENT_DEFINITION) &&
      visit(definition.selectionSet),
  );
}

/** A counting semaphore per caller, with a bounded line of waiters. */
export class CallerSlots {
  private readonly running = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(
    private readonly perCaller: number,
    private readonly maxWaiting: number,
  ) {}

  /** Resolves with the release of a slot (idempotent), once one is free. */
  async acquire(caller: string): Promise<() => void> {
    if ((this.running.get(caller) ?? 0) >= this.perCaller) {
      const line = this.waiting.get(caller) ?? [];
      if (line.length >= this.maxWaiting) {
        throw tooManyRequests(
          `You have ${this.perCaller} figures or tracing queries running and ${line.length} waiting: wait for their answers before sending more.`,
        );
      }
      this.waiting.set(caller, line);
      // a slot is handed over by the release below, without being counted free in between
      await new Promise<void>((resolve) => line.push(resolve));
    } else {
      this.running.set(caller, (this.running.get(caller) ?? 0) + 1);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const line = this.waiting.get(caller);
      const next = line?.shift();
      if (line?.length === 0) this.waiting.delete(caller);
      if (next) return next();
      const count = (this.running.get(caller) ?? 1) - 1;
      if (count > 0) this.running.set(caller, count);
      else this.running.delete(caller);
    };
  }
}
