import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { buildSchema, introspectionFromSchema } from 'graphql';
import buildGraphQLProvider from 'ra-data-graphql';
import { HttpError, type DataProvider } from 'react-admin';
// the committed contract: the console needs no introspection, which production turns off
import schemaText from '../../../schema.graphql?raw';
import { GRAPHQL_PATH, graphqlLinkFetch } from '../api/graphql-request';
import { SessionEndedError } from '../api/session';
import { buildQuery, OPERATION_NAMES } from './build-query';
import { fieldError } from '../common/error-message';

interface ApiErrorLike {
  message: string;
  extensions?: {
    code?: string;
    field?: string;
    fields?: { field: string; message: string }[];
    httpStatus?: number;
  };
}

/** `input.registrantPhone` → `registrantPhone`: the form's field for an argument path. */
const formField = (path: string) => path.split('.').pop()!;

/**
 * An Apollo failure as react-admin expects it: the HTTP status (401 signs the user out), the
 * API's code for the message's translation, and bad input as `{ errors: { field: message } }`
 * so a form shows each message under its own field.
 */
export function httpErrorOf(error: any): HttpError {
  const network = error?.networkError;
  if (network instanceof SessionEndedError || network?.statusCode === 401)
    return new HttpError('ra.auth.auth_check_error', 401);
  const first: ApiErrorLike | undefined = error?.graphQLErrors?.[0] ?? network?.result?.errors?.[0];
  const code = first?.extensions?.code ?? (network ? 'NETWORK_ERROR' : 'INTERNAL_SERVER_ERROR');
  const status = first?.extensions?.httpStatus ?? network?.statusCode ?? 500;
  const message = first?.message ?? error?.message ?? 'ra.notification.http_error';
  const fields =
    first?.extensions?.fields ??
    (first?.extensions?.field ? [{ field: first.extensions.field, message }] : []);
  const errors = Object.fromEntries(
    fields.map((f) => [formField(f.field), fieldError(stripField(f.message, f.field))]),
  );
  return new HttpError(message, status, {
    code,
    message,
    errors: Object.keys(errors).length ? errors : undefined,
  });
}

/** The server writes `field: message`; under the field itself only the message is needed. */
function stripField(message: string, field: string): string {
  const prefix = `${field}: `;
  return message.startsWith(prefix) ? message.slice(prefix.length) : message;
}

export function buildDataProvider(): DataProvider & { client: ApolloClient<unknown> } {
  const client = new ApolloClient({
    link: new HttpLink({ uri: GRAPHQL_PATH, fetch: graphqlLinkFetch }),
    cache: new InMemoryCache(),
    defaultOptions: { query: { fetchPolicy: 'network-only' } },
  });
  const schema = introspectionFromSchema(buildSchema(schemaText)).__schema;
  const provider = buildGraphQLProvider({
    client,
    buildQuery,
    introspection: { schema, operationNames: OPERATION_NAMES },
  });
  // every call's failure leaves as one HttpError shape (see httpErrorOf)
  const wrapped = Object.fromEntries(
    Object.entries(provider).map(([name, method]) => [
      name,
      typeof method === 'function'
        ? (...args: unknown[]) =>
            (method as (...a: unknown[]) => Promise<unknown>)(...args).catch((error) => {
              // ra-data-graphql rethrows Apollo's error as an HttpError's body (or, for a
              // network failure, its status alone)
              if (error instanceof HttpError && !error.body) throw error;
              throw httpErrorOf(error instanceof HttpError ? error.body : error);
            })
        : method,
    ]),
  );
  return wrapped as unknown as DataProvider & { client: ApolloClient<unknown> };
}
