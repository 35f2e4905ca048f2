import { addDays, localDayOf, localDayStart, unitLevelOfCode } from '@quetma/shared';
import type { AreaScope } from '../auth/identity';
import type { AreaDirectory } from '../areas/area-directory';
import { OrderDirection } from '../graphql/connection';
import { badInput } from '../graphql/errors';
import { idsCondition, searchWords, type ListDefinition } from '../graphql/list-query';
import { VenueOrderField, type VenueFilter } from './venue.input';
import type { VenueRow } from './venue.type';
import { VENUE_COLUMNS, VENUE_FROM, VENUE_UNIT_COLUMN } from './venue-columns';

export interface VenueListContext {
  areas: AreaDirectory;
  now: Date;
  scope: AreaScope | undefined;
}

/**
 * `Query.venues`. Filters use the denormalised unit columns and the trigram index; the default
 * order (folded name, then id) is an index scan.
 */
export const VENUE_LIST: ListDefinition<VenueRow, VenueFilter, VenueOrderField, VenueListContext> =
  {
    name: 'venues',
    from: VENUE_FROM,
    columns: VENUE_COLUMNS,
    filters: {
      ids: (ids, param) => idsCondition('v.id', ids, param, 'a venue'),
      unitCode: (unitCode, param, { areas }) => {
        const level = unitLevelOfCode(unitCode);
        if (!level || !areas.find(unitCode, level)) {
          throw badInput('unitCode', `no city, district or ward has the code ${unitCode}`);
        }
        return `v.${VENUE_UNIT_COLUMN[level]} = ${param(unitCode)}`;
      },
      category: (category, param) => `v.category = ${param(category)}`,
      status: (status, param) => `v.status = ${param(status)}`,
      search: (search, param) => searchWords('v.search_text', search, param),
      scanStatus: (scanStatus, param, { now }) => {
        const windowStart = localDayStart(addDays(localDayOf(now), -6));
        if (scanStatus === 'NEVER_SCANNED') return 'a.venue_id is null';
        if (scanStatus === 'DORMANT') return `a.last_scan_at < ${param(windowStart)}`;
        return `a.last_scan_at >= ${param(windowStart)}`;
      },
    },
    // an officer's list is their district's or ward's, whatever the filter says (Query.venues'
    // area-scope rule refuses a filter outside it, and checks every row answered)
    always: (param, { scope }) =>
      scope ? [`v.${VENUE_UNIT_COLUMN[scope.level]} = ${param(scope.code)}`] : [],
    sortKeys: {
      [VenueOrderField.NAME]: { sql: 'v.name_sort collate "C"', type: 'text' },
      [VenueOrderField.REGISTERED_AT]: { sql: 'v.registered_at', type: 'timestamptz' },
      // never-scanned venues sort as the oldest, so ASC lists them first
      [VenueOrderField.LAST_SCAN_AT]: {
        sql: `coalesce(a.last_scan_at, '-infinity'::timestamptz)`,
        type: 'timestamptz',
      },
      [VenueOrderField.WARD_CODE]: { sql: 'v.ward_code collate "C"', type: 'text' },
    },
    defaultOrder: [{ field: VenueOrderField.NAME, direction: OrderDirection.ASC }],
    tiebreak: { sql: 'v.id', type: 'uuid' },
  };
