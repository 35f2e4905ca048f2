import type { ApolloServerPlugin } from '@apollo/server';
import {
  getNamedType,
  isInputObjectType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type ValueNode,
} from 'graphql';
import { badInput } from '../graphql/errors';

/** No argument of the API needs more; venue names and addresses allow far less (venue.input.ts). */
export const MAX_TEXT_LENGTH = 10_000;

/**
 * Arguments whose items are judged one by one, each with its own answer: a bad scan is that
 * scan's MALFORMED_ITEM, never the whole batch's failure (scans/ingestion/scan-item.ts).
 */
const JUDGED_PER_ITEM = new Set(['Mutation.recordScans']);

/**
 * What PostgreSQL refuses to store in text (a NUL character) or the driver would silently
 * change (half of a surrogate pair becomes U+FFFD).
 */
// eslint-disable-next-line no-control-regex -- the NUL character is what is looked for
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** False for text PostgreSQL would refuse or the driver would change (see UNSTORABLE). */
export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

/**
 * The text with what cannot be stored replaced by U+FFFD: for records of a refused request
 * (its audit entry), which must be written however bad its input was.
 */
export function storableText(text: string): string {
  return text.replace(new RegExp(UNSTORABLE.source, 'g'), '\uFFFD');
}

/**
 * Every string argument of every operation, inline or in variables, is checked before anything
 * runs: text PostgreSQL cannot store is refused as BAD_USER_INPUT naming the field, instead of
 * failing an INSERT deep in a service (an INTERNAL_SERVER_ERROR, with the statement and its
 * person data in the log).
 */
export function textInputPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, schema, request }) {
          const variables = request.variables ?? {};
          const typeInfo = new TypeInfo(schema);
          visit(
            document,
            visitWithTypeInfo(typeInfo, {
              Argument(node) {
                const field = typeInfo.getFieldDef();
                const parent = typeInfo.getParentType();
                if (parent && field && JUDGED_PER_ITEM.has(`${parent.name}.${field.name}`)) return;
                const type = typeInfo.getArgument()?.type;
                // an input object's fields are named on their own (`name`, not `input.name`),
                // as the services name them
                const prefix = type && isInputObjectType(getNamedType(type)) ? '' : node.name.value;
                checkNode(node.value, prefix, variables);
              },
            }),
          );
        },
      };
    },
  };
}

function checkNode(node: ValueNode, path: string, variables: Record<string, unknown>): void {
  switch (node.kind) {
    case Kind.STRING:
      return checkText(node.value, path);
    case Kind.VARIABLE:
      return checkValue(variables[node.name.value], path);
    case Kind.LIST:
      return node.values.forEach((item, index) => checkNode(item, `${path}[${index}]`, variables));
    case Kind.OBJECT:
      return node.fields.forEach((field) =>
        checkNode(field.value, join(path, field.name.value), variables),
      );
    default:
      return;
  }
}

function checkValue(value: unknown, path: string): void {
  if (typeof value === 'string') return checkText(value, path);
  if (Array.isArray(value))
    return value.forEach((item, index) => checkValue(item, `${path}[${index}]`));
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) checkValue(item, join(path, key));
  }
}

function checkText(text: string, path: string): void {
  const field = path || 'value';
  if (text.length > MAX_TEXT_LENGTH) {
    throw badInput(field, `must be at most ${MAX_TEXT_LENGTH.toLocaleString('en')} characters`);
  }
  if (!isStorableText(text)) {
    throw badInput(
      field,
      'contains a character that cannot be stored (a NUL byte or half of a surrogate pair): remove it',
    );
  }
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
