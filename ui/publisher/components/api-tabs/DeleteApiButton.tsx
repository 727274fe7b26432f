/** "Delete API", confirmed in a dialog; shown to users granted apim:api_delete. */
import { Button, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useState } from 'react';
import { useLocation } from 'wouter';
import type { Api } from '../../../../src/publisher/apis/api-schemas';
import { messageOf } from '../../../shared/api';
import { ConfirmDialog } from '../../../shared/confirm-dialog';
import { useApi } from '../../../shared/portal-context';
import { FormError } from '../../../shared/states';
import { usePermissions } from '../../permissions';
import { apiPath } from '../../rest';
import { notifySuccess } from '../notify';

export function DeleteApiButton({ api }: { api: Api }) {
  const call = useApi();
  const [, navigate] = useLocation();
  const [opened, { open, close }] = useDisclosure();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  if (!usePermissions().remove) return null;

  const remove = async () => {
    setBusy(true);
    try {
      await call('DELETE', apiPath(api.id ?? ''));
      notifySuccess(`${api.name} ${api.version} was deleted.`);
      navigate('/');
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  };

  return (
    <>
      <Button color="red" variant="light" onClick={open}>
        Delete API
      </Button>
      <ConfirmDialog
        opened={opened}
        onClose={close}
        title={`Delete ${api.name} ${api.version}?`}
        action="Delete"
        busy={busy}
        onConfirm={() => void remove()}
      >
        <FormError title="Not deleted" error={error} />
        <Text size="sm">
          Its revisions, documents and definition go with it. An API with subscriptions cannot be deleted.
        </Text>
      </ConfirmDialog>
    </>
  );
}
