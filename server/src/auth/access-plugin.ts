import type { ApolloServerPlugin } from '@apollo/server';
import { TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { GraphQLContext } from '../graphql/context';
import { forbidden, unauthenticated } from '../graphql/errors';
import { FIELD_ACCESS, PUBLIC, ROOT_FIELD_ACCESS, SESSION } from './access-policy';
import type { Identity } from './identity';

/**
 * Checks every field a request selects against the access table before anything runs: one
 * place that no query or mutation goes around, and no per-field cost while a list is resolved.
 */
export function accessControlPlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, schema, contextValue }) {
          checkAccess(schema, document, contextValue.identity);
        },
      };
    },
  };
}

export function checkAccess(
  schema: GraphQLSchema,
  document: DocumentNode,
  identity: Identity,
): void {
  const roots = new Set([
    schema.getQueryType(),
    schema.getMutationType(),
    schema.getSubscriptionType(),
  ]);
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        const name = node.name.value;
        if (!parent || name.startsWith('__')) return;
        const key = `${parent.name}.${name}`;
        if (roots.has(parent as never)) {
          const rule = ROOT_FIELD_ACCESS[key];
          if (!rule) throw forbidden(`${key} has no access rule, so nobody may use it.`);
          if (rule === PUBLIC) return;
          if (rule === SESSION) {
            if (identity.kind === 'API_KEY') {
              throw forbidden(
                `${name} is for people: an API key is sent as it is with every request.`,
              );
            }
            return;
          }
          if (!identity.role)
            throw unauthenticated(`${name} needs you to log in or send an API key.`);
          if (!rule.includes(identity.role))
            throw forbidden(`Your role, ${identity.role}, may not use ${name}.`);
          return;
        }
        const rule = FIELD_ACCESS[key];
        if (!rule) return;
        if (!identity.role) throw unauthenticated(`${key} needs you to log in or send an API key.`);
        if (!rule.includes(identity.role))
          throw forbidden(`Your role, ${identity.role}, may not read ${key}.`);
      },
    }),
  );
}
