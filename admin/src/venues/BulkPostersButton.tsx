import PrintIcon from '@mui/icons-material/Print';
import { useState } from 'react';
import { Button, useListContext, useNotify, usePermissions, useTranslate } from 'react-admin';
import { authorizedFetch } from '../api/graphql-request';
import { accessOf, type Permissions } from '../access/role-access';
import { errorMessage } from '../common/error-message';
import { downloadBlob } from '../common/download';
import { levelOfCode } from '../units/units';

/** One poster page per open venue of the ward chosen (or the officer's own ward), as one PDF. */
export function BulkPostersButton() {
  const { filterValues } = useListContext();
  const { permissions } = usePermissions<Permissions>();
  const translate = useTranslate();
  const notify = useNotify();
  const [busy, setBusy] = useState(false);
  const home = accessOf(permissions).homeUnit(permissions!);
  const ward =
    (filterValues.wardCode as string | undefined) ||
    (home && levelOfCode(home) === 'WARD' ? home : undefined);

  async function download() {
    if (!ward) return notify('resources.venues.list.bulkPostersHint', { type: 'info' });
    setBusy(true);
    try {
      // the file needs the caller's token, which a plain link cannot send
      const res = await authorizedFetch(`/posters.pdf?unitCode=${encodeURIComponent(ward)}`);
      if (!res.ok) {
        const body = await res.json().catch(() => ({}));
        throw { body: { code: body?.errors?.[0]?.extensions?.code ?? 'INTERNAL_SERVER_ERROR' } };
      }
      downloadBlob(await res.blob(), `posters-${ward}.pdf`);
    } catch (error) {
      notify(errorMessage(translate, error), { type: 'error' });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Button label="resources.venues.list.bulkPosters" onClick={download} disabled={busy}>
      <PrintIcon />
    </Button>
  );
}
