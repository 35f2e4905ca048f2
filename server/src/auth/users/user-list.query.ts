import { unitLevelOfCode } from '@quetma/shared';
import type { AreaDirectory } from '../../areas/area-directory';
import { OrderDirection } from '../../graphql/connection';
import { badInput } from '../../graphql/errors';
import { idsCondition, searchWords, type ListDefinition } from '../../graphql/list-query';
import { UserOrderField, UserStatus, type UserFilter } from './user-list.input';
import type { UserRow } from './user.service';

/** `Query.users`: a city's accounts are few, so no index serves these filters (none is needed). */
export const USER_LIST: ListDefinition<UserRow, UserFilter, UserOrderField, AreaDirectory> = {
  name: 'users',
  from: 'app_user u',
  columns: `u.id, u.email, u.name, u.role, u.unit_code as "unitCode", u.created_at as "createdAt",
    u.disabled_at as "disabledAt"`,
  filters: {
    ids: (ids, param) => idsCondition('u.id', ids, param, 'a user'),
    role: (role, param) => `u.role = ${param(role)}`,
    unitCode: (unitCode, param, areas) => {
      const level = unitLevelOfCode(unitCode);
      if (!level || !areas.find(unitCode, level)) {
        throw badInput('unitCode', `no city, district or ward has the code ${unitCode}`);
      }
      return `u.unit_code = any(${param(unitsWithin(areas, unitCode), '::text[]')})`;
    },
    status: (status) =>
      status === UserStatus.DISABLED ? 'u.disabled_at is not null' : 'u.disabled_at is null',
    search: (search, param) => searchWords('u.search_text', search, param),
  },
  sortKeys: {
    [UserOrderField.EMAIL]: { sql: 'u.email collate "C"', type: 'text' },
    [UserOrderField.NAME]: { sql: 'u.name_sort collate "C"', type: 'text' },
    [UserOrderField.ROLE]: { sql: 'u.role collate "C"', type: 'text' },
    [UserOrderField.UNIT_CODE]: { sql: `coalesce(u.unit_code, '') collate "C"`, type: 'text' },
    [UserOrderField.CREATED_AT]: { sql: 'u.created_at', type: 'timestamptz' },
  },
  defaultOrder: [{ field: UserOrderField.EMAIL, direction: OrderDirection.ASC }],
  tiebreak: { sql: 'u.id', type: 'uuid' },
};

/** The unit and every unit below it. */
function unitsWithin(areas: AreaDirectory, code: string): string[] {
  const codes = [code];
  for (let i = 0; i < codes.length; i++) codes.push(...areas.children(codes[i]).map((u) => u.code));
  return codes;
}
