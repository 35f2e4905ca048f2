import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import {
  Kind,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { collectFields } from 'graphql/execution/collectFields';
import { getArgumentValues, getVariableValues } from 'graphql/execution/values';
import { ANONYMOUS } from '../auth/identity';
import type { GraphQLContext } from '../graphql/context';
import { recordAudit, type AuditEntryInput } from './audit.service';
import { redactArguments } from './redact';

/** Root query fields that look up people; every use is logged like a mutation. */
export const AUDITED_QUERY_FIELDS = new Set<string>(['Query.exposures']);

type Log = (message: string, error?: unknown) => void;

interface ErrorLike {
  path?: readonly (string | number)[];
  extensions?: Record<string, unknown>;
}

/**
 * Writes one audit entry per root field of every mutation and of every audited query. It works
 * in willSendResponse, which Apollo still calls when another plugin (access control) refuses
 * the operation in didResolveOperation, so refused attempts are logged as well. The
 * write is awaited, so the entry exists before the caller has the answer; a failed write is
 * logged and the answer stands.
 */
export function auditPlugin(log: Log = console.error): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse(requestContext) {
          let entries: AuditEntryInput[];
          try {
            entries = auditEntries(requestContext);
          } catch (error) {
            log('could not make the audit entries of a request', error);
            return;
          }
          if (entries.length === 0) return;
          try {
            // through authentication's connections: a login's entry does not wait behind reads
            await recordAudit(requestContext.contextValue.authPool, entries);
          } catch (error) {
            log(
              `could not write ${entries.map((e) => e.action).join(', ')} to the audit log`,
              error,
            );
          }
        },
      };
    },
  };
}

function auditEntries(
  requestContext: GraphQLRequestContextWillSendResponse<GraphQLContext>,
): AuditEntryInput[] {
  const { operation, document, schema, contextValue: ctx, request } = requestContext;
  // a request that did not parse or validate has no operation, and nothing ran
  if (!operation || !document) return [];
  const rootType =
    operation.operation === 'mutation'
      ? schema.getMutationType()
      : operation.operation === 'query'
        ? schema.getQueryType()
        : undefined;
  if (!rootType) return [];
  const audited = (name: string) =>
    operation.operation === 'mutation' || AUDITED_QUERY_FIELDS.has(`Query.${name}`);
  // the common case, a query of plain fields none of which is audited, costs no more than this
  if (
    operation.operation === 'query' &&
    operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && !audited(s.name.value))
  )
    return [];

  const rawVariables = request.variables ?? {};
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables);
  // variables that do not coerce stop the request before any field runs; log what was sent
  const variables = coerced.coerced;
  const fields = rootFields(schema, rootType, document, operation, variables ?? rawVariables);
  const errors = responseErrors(requestContext);
  const requestError = errors.find((e) => !e.path?.length);
  const identity = ctx.identity ?? ANONYMOUS;
  const at = ctx.now();

  const entries: AuditEntryInput[] = [];
  for (const [responseKey, nodes] of fields) {
    const node = nodes[0];
    const name = node.name.value;
    if (name.startsWith('__') || !audited(name)) continue;
    const error = errors.find((e) => e.path?.[0] === responseKey) ?? requestError;
    entries.push({
      at,
      actorKind: identity.kind,
      actorId: identity.id ?? null,
      actorLabel: identity.label ?? null,
      role: identity.role ?? null,
      action: `${rootType.name}.${name}`,
      arguments: redactArguments(
        argumentsOf(rootType.getFields()[name], node, variables, rawVariables),
      ) as Record<string, unknown>,
      address: ctx.address ?? null,
      outcome: error ? String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR') : 'OK',
    });
  }
  return entries;
}

/** The root fields by response key (alias or name), through fragments and @skip/@include. */
function rootFields(
  schema: GraphQLSchema,
  rootType: GraphQLObjectType,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): Map<string, readonly FieldNode[]> {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  try {
    return collectFields(schema, fragments, variables, rootType, operation.selectionSet);
  } catch {
    // an @include with a variable that did not coerce: count every field as selected
    const fields = new Map<string, FieldNode[]>();
    for (const selection of operation.selectionSet.selections) {
      if (selection.kind !== Kind.FIELD) continue;
      const key = selection.alias?.value ?? selection.name.value;
      fields.set(key, [...(fields.get(key) ?? []), selection]);
    }
    return fields;
  }
}

/** The field's arguments with variables applied, as the resolver got them (or as sent). */
function argumentsOf(
  field: GraphQLField<unknown, unknown> | undefined,
  node: FieldNode,
  variables: Record<string, unknown> | undefined,
  rawVariables: Record<string, unknown>,
): Record<string, unknown> {
  if (field && variables) {
    try {
      return getArgumentValues(field, node, variables);
    } catch {
      // fall through to the arguments as written
    }
  }
  return Object.fromEntries(
    (node.arguments ?? []).map((arg) => [
      arg.name.value,
      valueFromASTUntyped(arg.value, rawVariables),
    ]),
  );
}

/** The errors the caller is sent, with their final codes; else the raw ones. */
function responseErrors(
  requestContext: GraphQLRequestContextWillSendResponse<GraphQLContext>,
): readonly ErrorLike[] {
  const body = requestContext.response.body;
  const sent = body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors;
  return (sent ?? requestContext.errors ?? []) as readonly ErrorLike[];
}
