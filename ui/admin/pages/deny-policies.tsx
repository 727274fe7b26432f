/** Deny policies: requests gateways refuse outright. Listed, created, switched on and off, deleted. */
import { Badge, Button, Modal, NativeSelect, Switch, Table } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import type { DenyPolicy, DenyPolicyListSchema } from '../../../src/publisher/admin/deny-policy-schemas';
import type { Static } from 'typebox';
import { messageOf } from '../../shared/api';
import { usePortal } from '../../shared/portal-context';
import { Empty, ErrorMessage, QueryView } from '../../shared/states';
import { DataTable } from '../../shared/data-table';
import { useQuery } from '../../shared/use-query';
import { ConfirmButton } from '../components/confirm-button';
import { DenyPolicyForm } from '../components/deny-policy-form';
import { PageHeader } from '../components/page-header';
import { DENY_MANAGE, useCan } from '../lib/can';
import { DENY_TYPES, DENY_TYPE_LABELS, describeDenyValue } from '../lib/deny-values';
import { DENY_POLICIES, denyPolicyPath } from '../lib/paths';

function StatusSwitch({
  policy,
  canManage,
  onChanged,
}: {
  policy: DenyPolicy;
  canManage: boolean;
  onChanged: () => void;
}) {
  const { api } = usePortal();
  const [busy, setBusy] = useState(false);
  const label = `${DENY_TYPE_LABELS[policy.conditionType]} ${describeDenyValue(policy)}`;
  const toggle = async (enabled: boolean) => {
    setBusy(true);
    try {
      await api('PATCH', denyPolicyPath(policy.conditionId ?? ''), { body: { conditionStatus: enabled } });
      notifications.show({
        color: 'green',
        message: `Deny policy for ${label} ${enabled ? 'enabled' : 'disabled'}.`,
      });
      onChanged();
    } catch (err) {
      notifications.show({ color: 'red', title: 'Not changed', message: messageOf(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Switch
      checked={policy.conditionStatus !== false}
      disabled={busy || !canManage}
      onChange={(event) => void toggle(event.currentTarget.checked)}
      aria-label={`Enabled: ${label}`}
      label={policy.conditionStatus !== false ? 'On' : 'Off'}
    />
  );
}

export function DenyPoliciesPage() {
  const { api } = usePortal();
  const canManage = useCan(...DENY_MANAGE);
  const [type, setType] = useState('');
  const [opened, { open, close }] = useDisclosure();
  const phone = useMediaQuery('(max-width: 36em)');
  const query = useQuery(
    () =>
      api<Static<typeof DenyPolicyListSchema>>('GET', DENY_POLICIES, {
        query: { query: type ? `conditionType:${type}` : undefined },
      }),
    [api, type],
  );
  return (
    <>
      <PageHeader
        title="Deny policies"
        description="Requests gateways refuse outright: an API, an application, a user, an IP address or a range."
        action={
          canManage && (
            <Button leftSection={<IconPlus size={16} />} onClick={open}>
              New deny policy
            </Button>
          )
        }
      />
      <NativeSelect
        label="Show"
        data={[
          { value: '', label: 'All types' },
          ...DENY_TYPES.map((value) => ({ value, label: DENY_TYPE_LABELS[value] })),
        ]}
        value={type}
        onChange={(event) => setType(event.currentTarget.value)}
        maw={220}
        mb="md"
      />
      {query.error && query.data && <ErrorMessage error={query.error} />}
      <QueryView query={query}>
        {({ list }) =>
          list.length === 0 ? (
            <Empty title="No deny policies">Gateways let every request through to authentication.</Empty>
          ) : (
            <DataTable
              minWidth={520}
              columns={['Type', 'Condition', 'Status', canManage && 'Actions']}
              striped
              verticalSpacing="sm"
              aria-label="Deny policies"
            >
              {list.map((policy) => {
                const label = `${DENY_TYPE_LABELS[policy.conditionType]} ${describeDenyValue(policy)}`;
                return (
                  <Table.Tr key={policy.conditionId}>
                    <Table.Td>
                      <Badge variant="light">{DENY_TYPE_LABELS[policy.conditionType]}</Badge>
                    </Table.Td>
                    <Table.Td style={{ wordBreak: 'break-all' }}>{describeDenyValue(policy)}</Table.Td>
                    <Table.Td>
                      <StatusSwitch policy={policy} canManage={canManage} onChanged={query.reload} />
                    </Table.Td>
                    {canManage && (
                      <Table.Td>
                        <ConfirmButton
                          label={`Delete deny policy ${label}`}
                          action="Delete"
                          title="Delete this deny policy?"
                          icon={<IconTrash size={16} />}
                          success={`Deny policy for ${label} deleted.`}
                          onConfirm={async () => {
                            await api('DELETE', denyPolicyPath(policy.conditionId ?? ''));
                            query.reload();
                          }}
                        >
                          Gateways will let requests for {label} through again.
                        </ConfirmButton>
                      </Table.Td>
                    )}
                  </Table.Tr>
                );
              })}
            </DataTable>
          )
        }
      </QueryView>
      <Modal opened={opened} onClose={close} title="New deny policy" fullScreen={phone} size="lg">
        <DenyPolicyForm
          onCancel={close}
          onDone={() => {
            close();
            query.reload();
          }}
        />
      </Modal>
    </>
  );
}
