import { gql } from '@apollo/client';
import type { IntrospectionField, IntrospectionTypeRef } from 'graphql';
import type { BuildQueryFactory, BuildQueryResult, IntrospectionResult } from 'ra-data-graphql';
import {
  CREATE,
  DELETE,
  GET_LIST,
  GET_MANY,
  GET_MANY_REFERENCE,
  GET_ONE,
  UPDATE,
} from 'react-admin';
import { RESOURCES, type ResourceDefinition } from './resources';

/** At most this many ids go into one `ids` filter (the API's limit on a page). */
export const MAX_IDS_PER_REQUEST = 500;

/** The operation the API has for each of react-admin's calls on a resource (for introspection). */
export const OPERATION_NAMES: Record<string, (type: { name: string }) => string> = {
  [GET_LIST]: (type) => definitionOfType(type.name)?.list ?? '',
  [GET_MANY]: (type) => definitionOfType(type.name)?.list ?? '',
  [GET_MANY_REFERENCE]: (type) => definitionOfType(type.name)?.list ?? '',
  [GET_ONE]: (type) => {
    const definition = definitionOfType(type.name);
    return definition?.one ?? definition?.list ?? '';
  },
  [CREATE]: (type) => definitionOfType(type.name)?.create?.mutation ?? '',
  [UPDATE]: (type) => definitionOfType(type.name)?.update?.mutation ?? '',
  [DELETE]: (type) => definitionOfType(type.name)?.remove?.mutation ?? '',
};

function definitionOfType(typeName: string): ResourceDefinition | undefined {
  return Object.values(RESOURCES).find((d) => d.type === typeName);
}

/** `[VenueOrder!]` from an introspected argument type, for the variable declarations. */
function typeText(ref: IntrospectionTypeRef): string {
  if (ref.kind === 'NON_NULL') return `${typeText(ref.ofType)}!`;
  if (ref.kind === 'LIST') return `[${typeText(ref.ofType)}]`;
  return ref.name;
}

/**
 * The document for one root field: its variables declared with the schema's own argument types,
 * so a filter or an order the API renamed fails here, loudly, and not as a wrong answer.
 */
function document(
  kind: 'query' | 'mutation',
  field: IntrospectionField,
  variables: Record<string, unknown>,
  selection: string,
) {
  const args = field.args.filter((a) => a.name in variables);
  for (const name of Object.keys(variables))
    if (!field.args.some((a) => a.name === name))
      throw new Error(`${field.name} takes no argument ${name}`);
  const declared = args.map((a) => `$${a.name}: ${typeText(a.type)}`).join(', ');
  const passed = args.map((a) => `${a.name}: $${a.name}`).join(', ');
  return gql`${kind} ${field.name}${declared ? `(${declared})` : ''} {
    data: ${field.name}${passed ? `(${passed})` : ''} { ${selection} }
  }`;
}

function orderBy(definition: ResourceDefinition, sort?: { field: string; order: string }) {
  const field = sort && definition.sorts[sort.field];
  return field ? [{ field, direction: sort.order === 'DESC' ? 'DESC' : 'ASC' }] : undefined;
}

function withoutUndefined(values: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
}

/** react-admin's calls as documents on the API's connections and mutations. */
export const buildQuery: BuildQueryFactory = (introspection: IntrospectionResult) => {
  const operationOf = (definition: ResourceDefinition, method: string): IntrospectionField => {
    const resource = introspection.resources.find((r) => r.type.name === definition.type) as
      Record<string, IntrospectionField> | undefined;
    const field = resource?.[method];
    if (!field) throw new Error(`the API has no ${method} for ${definition.type}`);
    return field;
  };

  return (method: string, resourceName: string, params: any): BuildQueryResult => {
    const definition = RESOURCES[resourceName];
    if (!definition) throw new Error(`unknown resource ${resourceName}`);
    const recordFields = definition.recordFields ?? definition.listFields;

    const listQuery = (filter: Record<string, unknown>, extra: Record<string, unknown>) => {
      const field = operationOf(definition, GET_LIST);
      const variables = withoutUndefined({ filter, ...extra });
      return {
        query: document('query', field, variables, `totalCount nodes { ${definition.listFields} }`),
        variables,
      };
    };

    switch (method) {
      case GET_LIST:
      case GET_MANY_REFERENCE: {
        const { page = 1, perPage = 25 } = params.pagination ?? {};
        const values = { ...params.filter };
        if (method === GET_MANY_REFERENCE) values[params.target] = params.id;
        return {
          ...listQuery(definition.filter(values), {
            first: perPage,
            offset: (page - 1) * perPage || undefined,
            orderBy: orderBy(definition, params.sort),
          }),
          parseResponse: ({ data }) => ({ data: data.data.nodes, total: data.data.totalCount }),
        };
      }
      case GET_MANY: {
        const ids = [...new Set<string>(params.ids.map(String))].slice(0, MAX_IDS_PER_REQUEST);
        return {
          ...listQuery(definition.filter({ ids }), { first: ids.length || 1 }),
          parseResponse: ({ data }) => ({ data: data.data.nodes }),
        };
      }
      case GET_ONE: {
        if (definition.one) {
          const field = operationOf(definition, GET_ONE);
          const variables = { id: String(params.id) };
          return {
            query: document('query', field, variables, recordFields),
            variables,
            parseResponse: ({ data }) => {
              // a record another area holds, or none, is the same to the page: not found
              if (!data.data)
                throw Object.assign(new Error('ra.notification.item_doesnt_exist'), {
                  status: 404,
                });
              return { data: data.data };
            },
          };
        }
        return {
          ...listQuery(definition.filter({ ids: [String(params.id)] }), { first: 1 }),
          parseResponse: ({ data }) => {
            const record = data.data.nodes[0];
            if (!record)
              throw Object.assign(new Error('ra.notification.item_doesnt_exist'), { status: 404 });
            return { data: record };
          },
        };
      }
      case CREATE: {
        const create = definition.create!;
        const field = operationOf(definition, CREATE);
        const variables = { input: create.input(params.data) };
        return {
          query: document('mutation', field, variables, create.answer ?? recordFields),
          variables,
          parseResponse: ({ data }) => {
            const answer = data.data;
            // a created key answers { secret, apiKey }: the record is the key, the secret rides along
            return { data: create.answer ? { ...answer.apiKey, secret: answer.secret } : answer };
          },
        };
      }
      case UPDATE: {
        const field = operationOf(definition, UPDATE);
        const variables = {
          id: String(params.id),
          input: definition.update!.input(params.data, params.previousData ?? {}),
        };
        return {
          query: document('mutation', field, variables, recordFields),
          variables,
          parseResponse: ({ data }) => ({ data: data.data }),
        };
      }
      case DELETE: {
        const field = operationOf(definition, DELETE);
        const variables = {
          id: String(params.id),
          ...(definition.remove?.variables?.(params.meta ?? {}) ?? {}),
        };
        return {
          query: document('mutation', field, variables, recordFields),
          variables,
          parseResponse: ({ data }) => ({ data: data.data }),
        };
      }
      default:
        throw new Error(`${method} is not offered for ${resourceName}`);
    }
  };
};
