import DownloadIcon from '@mui/icons-material/Download';
import { useState } from 'react';
import { Button, useListContext, useNotify, useTranslate } from 'react-admin';
import { apiRequest } from '../api/graphql-request';
import { errorMessage } from '../common/error-message';
import { downloadFile } from '../common/download';
import { RESOURCES } from '../data/resources';
import { useFormatters } from '../i18n/format';
import { venuesCsv } from './venue-csv';

/** The API's largest page: the export walks the filtered list by cursor, this many at a time. */
const EXPORT_PAGE = 500;
const EXPORT_QUERY = `query ExportVenues($filter: VenueFilter, $first: Int, $after: String, $orderBy: [VenueOrder!]) {
  venues(filter: $filter, first: $first, after: $after, orderBy: $orderBy) {
    pageInfo { hasNextPage endCursor }
    nodes { id name address category status scanStatus registeredAt lastScanAt totalScans
      registrantName registrantPhone ward { name } district { name } }
  }
}`;

/** Every venue of the filtered list, not only the page on screen, as a CSV Excel opens. */
export function ExportVenuesButton() {
  const { filterValues, sort, total } = useListContext();
  const translate = useTranslate();
  const format = useFormatters();
  const notify = useNotify();
  const [busy, setBusy] = useState(false);
  const definition = RESOURCES.venues;

  async function exportAll() {
    setBusy(true);
    try {
      const filter = definition.filter(filterValues);
      const field = sort && definition.sorts[sort.field];
      const orderBy = field ? [{ field, direction: sort.order }] : undefined;
      const venues: unknown[] = [];
      let after: string | undefined;
      for (;;) {
        const data = await apiRequest<{ venues: any }>(EXPORT_QUERY, {
          filter,
          first: EXPORT_PAGE,
          after,
          orderBy,
        });
        venues.push(...data.venues.nodes);
        if (!data.venues.pageInfo.hasNextPage) break;
        after = data.venues.pageInfo.endCursor;
      }
      const day = new Date().toISOString().slice(0, 10);
      downloadFile(
        venuesCsv(venues, translate, format),
        `venues-${day}.csv`,
        'text/csv;charset=utf-8',
      );
    } catch (error) {
      notify(errorMessage(translate, error), { type: 'error' });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Button label="resources.venues.list.export" onClick={exportAll} disabled={busy || !total}>
      <DownloadIcon />
    </Button>
  );
}
