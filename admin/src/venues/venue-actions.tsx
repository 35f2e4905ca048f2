import LockIcon from '@mui/icons-material/Block';
import RefreshIcon from '@mui/icons-material/QrCode2';
import { TextField as MuiTextField } from '@mui/material';
import { useState } from 'react';
import {
  Button,
  Confirm,
  useDelete,
  useNotify,
  useRecordContext,
  useRefresh,
  useTranslate,
} from 'react-admin';
import { useMutation } from '@tanstack/react-query';
import { apiRequest } from '../api/graphql-request';
import { errorMessage } from '../common/error-message';

/**
 * Revokes the code in force and issues the next version. The confirmation says what it costs:
 * the poster on the wall stops working.
 */
export function ReissueCodeButton() {
  const record = useRecordContext<{ id: string; name: string }>();
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const [open, setOpen] = useState(false);
  const reissue = useMutation({
    mutationFn: (id: string) =>
      apiRequest(
        `mutation Reissue($id: ID!) { reissueVenueCode(id: $id) { id currentCode { version } } }`,
        { id },
      ),
    onSuccess: () => {
      notify('resources.venues.show.reissued', { type: 'success' });
      refresh();
    },
    onError: (error) => notify(errorMessage(translate, error), { type: 'error' }),
    onSettled: () => setOpen(false),
  });
  if (!record) return null;
  return (
    <>
      <Button label="resources.venues.show.reissue" onClick={() => setOpen(true)}>
        <RefreshIcon />
      </Button>
      <Confirm
        isOpen={open}
        loading={reissue.isPending}
        title={translate('resources.venues.show.reissueTitle', { name: record.name })}
        content={translate('resources.venues.show.reissueContent')}
        confirm="resources.venues.show.reissue"
        onConfirm={() => reissue.mutate(record.id)}
        onClose={() => setOpen(false)}
      />
    </>
  );
}

/** Closes the venue (the API's closeVenue), with an optional reason. */
export function CloseVenueButton() {
  const record = useRecordContext<{ id: string; name: string }>();
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [remove, { isPending }] = useDelete();
  if (!record) return null;
  const close = () =>
    remove(
      'venues',
      { id: record.id, previousData: record, meta: { reason: reason.trim() || undefined } },
      {
        mutationMode: 'pessimistic',
        onSuccess: () => {
          notify('resources.venues.show.closed', { type: 'success' });
          setOpen(false);
          refresh();
        },
        onError: (error) => {
          notify(errorMessage(translate, error), { type: 'error' });
          setOpen(false);
        },
      },
    );
  return (
    <>
      <Button label="resources.venues.show.close" onClick={() => setOpen(true)} color="error">
        <LockIcon />
      </Button>
      <Confirm
        isOpen={open}
        loading={isPending}
        title={translate('resources.venues.show.closeTitle', { name: record.name })}
        content={
          <>
            {translate('resources.venues.show.closeContent')}
            <MuiTextField
              label={translate('resources.venues.show.closeReason')}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              fullWidth
              margin="normal"
              inputProps={{ maxLength: 500 }}
            />
          </>
        }
        confirm="resources.venues.show.close"
        confirmColor="warning"
        onConfirm={close}
        onClose={() => setOpen(false)}
      />
    </>
  );
}
