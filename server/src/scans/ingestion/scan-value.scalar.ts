import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { appError } from '../../graphql/errors';

/**
 * A field of `ScanInput`, taken as the app sent it. Typed as String, an enum or Boolean, a
 * value of the wrong type or out of range would fail the whole request in coercion; taken as
 * is, it reaches parseScanItem and rejects its own scan, as it does through POST /api/scans.
 */
export const ScanValue = new GraphQLScalarType<unknown, unknown>({
  name: 'ScanValue',
  description:
    "A field of a scan, taken as sent: any JSON value. It is checked with its scan, as POST /api/scans checks it, so a value of the wrong type or out of range rejects that scan alone (MALFORMED_ITEM, the message naming the field) and not the request. In a query's text, an unquoted name (method: MANUAL_ENTRY) is that name's string.",
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast) => literalValue(ast),
});

function literalValue(ast: ValueNode): unknown {
  switch (ast.kind) {
    // direction and method were enums once: their unquoted values still read as before
    case Kind.ENUM:
    case Kind.STRING:
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return ast.values.map(literalValue);
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((f) => [f.name.value, literalValue(f.value)]));
    case Kind.VARIABLE:
      // graphql-jit reads a scalar's literal once, when it compiles the operation, without
      // variables: one inside would silently be lost, so it is refused instead
      throw appError(
        'BAD_USER_INPUT',
        `A variable ($${ast.name.value}) cannot stand inside a scan field's value: send the whole field, or all the scans, as a variable.`,
        {},
        { nodes: ast },
      );
  }
}
