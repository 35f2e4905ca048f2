import { OrderDirection } from '../../graphql/connection';
import { idsCondition, searchWords, type ListDefinition } from '../../graphql/list-query';
import { ApiKeyOrderField, ApiKeyStatus, type ApiKeyFilter } from './api-key-list.input';
import { KEY_COLUMNS, type ApiKeyRow } from './api-key.service';

/** `Query.apiKeys`: a city has few keys, so no index serves these filters (none is needed). */
export const API_KEY_LIST: ListDefinition<ApiKeyRow, ApiKeyFilter, ApiKeyOrderField, Date> = {
  name: 'apiKeys',
  from: 'api_key k join app_user u on u.id = k.owner_id',
  columns: KEY_COLUMNS,
  filters: {
    ids: (ids, param) => idsCondition('k.id', ids, param, 'an API key'),
    role: (role, param) => `k.role = ${param(role)}`,
    // as authentication judges a key (authenticate.ts): expired from its expiresAt on
    status: (status, param, now) =>
      status === ApiKeyStatus.REVOKED
        ? 'k.revoked_at is not null'
        : status === ApiKeyStatus.EXPIRED
          ? `k.revoked_at is null and k.expires_at <= ${param(now)}`
          : `k.revoked_at is null and (k.expires_at is null or k.expires_at > ${param(now)})`,
    search: (search, param) => searchWords('k.search_text', search, param),
  },
  sortKeys: {
    [ApiKeyOrderField.CREATED_AT]: { sql: 'k.created_at', type: 'timestamptz' },
    [ApiKeyOrderField.NAME]: { sql: 'k.name_sort collate "C"', type: 'text' },
    [ApiKeyOrderField.ROLE]: { sql: 'k.role collate "C"', type: 'text' },
    [ApiKeyOrderField.LAST_USED_AT]: {
      sql: `coalesce(k.last_used_at, '-infinity'::timestamptz)`,
      type: 'timestamptz',
    },
  },
  defaultOrder: [{ field: ApiKeyOrderField.CREATED_AT, direction: OrderDirection.DESC }],
  tiebreak: { sql: 'k.id', type: 'uuid' },
};
