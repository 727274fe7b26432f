/** An application's subscriptions: the API, its tier (changeable), its status, and unsubscribing. */
import { Anchor, Button, Select, Table, Text, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { Link } from 'wouter';
import { messageOf } from '../../shared/api';
import { ConfirmDialog } from '../../shared/confirm-dialog';
import { useApi } from '../../shared/portal-context';
import { Empty, QueryView } from '../../shared/states';
import { DataTable } from '../../shared/data-table';
import { useQuery } from '../../shared/use-query';
import { DEVPORTAL, enc } from '../lib/paths';
import { policyOption } from '../lib/policies';
import { usePolicies } from '../lib/use-policies';
import type { Page, Subscription } from '../lib/wire';
import { StatusBadge } from './status-badge';

export function ApplicationSubscriptions({ applicationId }: { applicationId: string }) {
  const api = useApi();
  const policies = usePolicies('subscription');
  const query = useQuery(
    () =>
      api<Page<Subscription>>('GET', `${DEVPORTAL}/subscriptions`, { query: { applicationId, limit: 1000 } }),
    [api, applicationId],
  );
  const [removing, setRemoving] = useState<Subscription>();
  const [busy, setBusy] = useState(false);

  const changeTier = async (s: Subscription, tier: string) => {
    try {
      await api<Subscription>('PUT', `${DEVPORTAL}/subscriptions/${enc(s.subscriptionId ?? '')}`, {
        body: { applicationId: s.applicationId, apiId: s.apiId, throttlingPolicy: tier },
      });
      notifications.show({
        color: 'green',
        message: `${s.apiInfo?.name ?? 'API'}: tier changed to ${tier}.`,
      });
    } catch (err) {
      notifications.show({ color: 'red', title: 'Tier not changed', message: messageOf(err) });
    }
    query.reload();
  };

  const unsubscribe = async (s: Subscription) => {
    setBusy(true);
    try {
      await api<void>('DELETE', `${DEVPORTAL}/subscriptions/${enc(s.subscriptionId ?? '')}`);
      notifications.show({ color: 'green', message: `Unsubscribed from ${s.apiInfo?.name ?? 'the API'}.` });
      setRemoving(undefined);
      query.reload();
    } catch (err) {
      notifications.show({ color: 'red', title: 'Not unsubscribed', message: messageOf(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <ConfirmDialog
        opened={removing !== undefined}
        onClose={() => setRemoving(undefined)}
        title="Unsubscribe?"
        action="Unsubscribe"
        busy={busy}
        onConfirm={() => removing && void unsubscribe(removing)}
      >
        <Text size="sm">
          The application&apos;s tokens stop working for {removing?.apiInfo?.name}{' '}
          {removing?.apiInfo?.version} at once.
        </Text>
      </ConfirmDialog>
      <QueryView query={query}>
        {(page) =>
          page.list.length === 0 ? (
            <Empty title="No subscriptions">
              Find an API in the{' '}
              <Anchor component={Link} href="/">
                catalogue
              </Anchor>{' '}
              and subscribe this application to it.
            </Empty>
          ) : (
            <DataTable
              minWidth={640}
              columns={['API', 'Tier', 'Status', { header: <VisuallyHidden>Actions</VisuallyHidden> }]}
              aria-label="Subscriptions"
              verticalSpacing="sm"
            >
              {page.list.map((s) => {
                const name = `${s.apiInfo?.name ?? s.apiId} ${s.apiInfo?.version ?? ''}`.trim();
                return (
                  <Table.Tr key={s.subscriptionId}>
                    <Table.Td>
                      <Anchor component={Link} href={`/apis/${s.apiId}`}>
                        {name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Select
                        aria-label={`Tier of ${name}`}
                        data={(s.apiInfo?.throttlingPolicies ?? [s.throttlingPolicy]).map((t) =>
                          policyOption(t, policies.data),
                        )}
                        value={s.throttlingPolicy}
                        allowDeselect={false}
                        disabled={s.status !== 'UNBLOCKED'}
                        onChange={(tier) => tier && tier !== s.throttlingPolicy && void changeTier(s, tier)}
                        w={240}
                      />
                    </Table.Td>
                    <Table.Td>
                      <StatusBadge status={s.status} />
                    </Table.Td>
                    <Table.Td>
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        onClick={() => setRemoving(s)}
                        aria-label={`Unsubscribe from ${name}`}
                      >
                        Unsubscribe
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </DataTable>
          )
        }
      </QueryView>
    </>
  );
}
