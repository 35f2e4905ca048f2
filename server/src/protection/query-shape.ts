import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  type ASTNode,
  type FieldNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { appError } from '../graphql/errors';

const formatNumber = (n: number) => n.toLocaleString('en-US');

function limitError(message: string, limit: number, actual: number, nodes?: ASTNode) {
  return appError('BAD_USER_INPUT', message, { limit, actual }, { nodes });
}

/**
 * Refuses operations whose field selections nest deeper than `maxDepth`, counted through
 * fragments. Introspection fields (`__schema`, `__type`, `__typename`) and all below them are
 * left out, so GraphiQL's introspection query always passes.
 */
export function depthLimitRule(maxDepth: number): ValidationRule {
  return (context: ValidationContext) => {
    // A fragment's depth does not depend on where it is spread, so each is measured once;
    // that keeps a document that spreads fragments many times over linear to check.
    const fragmentDepths = new Map<string, number>();
    const onPath = new Set<string>();

    const depthOf = (selectionSet: SelectionSetNode): number => {
      let deepest = 0;
      for (const selection of selectionSet.selections) {
        let depth = 0;
        if (selection.kind === Kind.FIELD) {
          if (selection.name.value.startsWith('__')) continue;
          depth = 1 + (selection.selectionSet ? depthOf(selection.selectionSet) : 0);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          depth = depthOf(selection.selectionSet);
        } else {
          depth = fragmentDepth(selection.name.value);
        }
        deepest = Math.max(deepest, depth);
      }
      return deepest;
    };

    const fragmentDepth = (name: string): number => {
      const known = fragmentDepths.get(name);
      if (known !== undefined) return known;
      const fragment = context.getFragment(name);
      // Unknown fragments and cycles are NoUnknownFragments' and NoFragmentCycles' to report;
      // here they only must not loop.
      if (!fragment || onPath.has(name)) return 0;
      onPath.add(name);
      const depth = depthOf(fragment.selectionSet);
      onPath.delete(name);
      fragmentDepths.set(name, depth);
      return depth;
    };

    return {
      OperationDefinition(operation) {
        const depth = depthOf(operation.selectionSet);
        if (depth > maxDepth) {
          context.reportError(
            limitError(
              `The query is nested ${depth} levels deep; the limit is ${maxDepth}.`,
              maxDepth,
              depth,
              operation,
            ),
          );
        }
        return false;
      },
    };
  };
}

/**
 * Refuses documents with more than `maxAliases` aliased fields: aliases let one request ask
 * for the same expensive field many times over.
 */
export function aliasLimitRule(maxAliases: number): ValidationRule {
  return (context: ValidationContext) => {
    let aliases = 0;
    let firstTooMany: FieldNode | undefined;
    return {
      Field(field) {
        if (!field.alias) return;
        aliases++;
        if (aliases === maxAliases + 1) firstTooMany = field;
      },
      Document: {
        leave() {
          if (aliases <= maxAliases) return;
          context.reportError(
            limitError(
              `The query uses ${aliases} aliases; the limit is ${maxAliases}.`,
              maxAliases,
              aliases,
              firstTooMany,
            ),
          );
        },
      },
    };
  };
}

// Pricing walks every selection with fragments expanded; past this many it stops, so a few
// fragments that spread each other many times cannot make the pricing itself the attack.
const MAX_PRICED_SELECTIONS = 10_000;
const NODE_CAP_MESSAGE = 'Query exceeds the maximum allowed number of nodes.';

/**
 * Prices each operation before it runs: a field costs its `complexity` extension (type-graphql's
 * `complexity` option; list fields multiply by `args.first`), otherwise 1 plus its children.
 */
export function complexityPlugin(maxComplexity: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema, operationName }) {
          let cost: number;
          try {
            cost = getComplexity({
              schema,
              query: document,
              variables: request.variables ?? {},
              operationName: operationName ?? undefined,
              estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
              maxQueryNodes: MAX_PRICED_SELECTIONS + 1,
            });
          } catch (error) {
            if (!(error instanceof GraphQLError)) throw error;
            if (error.message === NODE_CAP_MESSAGE) {
              // Pricing stopped at the cap, so `actual` is where it stopped, not the full count.
              throw limitError(
                `The query has more than ${formatNumber(MAX_PRICED_SELECTIONS)} selections once its fragments are expanded; the limit is ${formatNumber(MAX_PRICED_SELECTIONS)}. Ask for fewer fields.`,
                MAX_PRICED_SELECTIONS,
                MAX_PRICED_SELECTIONS + 1,
              );
            }
            // Variables or arguments that do not fit their types: refuse here, as execution
            // would, rather than run an operation that could not be priced.
            throw appError('BAD_USER_INPUT', error.message, {}, { nodes: error.nodes });
          }
          if (cost > maxComplexity) {
            throw limitError(
              `The query costs ${formatNumber(cost)} points; the limit is ${formatNumber(maxComplexity)}. Ask for fewer items per page or fewer fields.`,
              maxComplexity,
              cost,
            );
          }
        },
      };
    },
  };
}
