/**
 * Who subscribes to the API (application, owner, tier, status), and blocking: all traffic (BLOCKED) or
 * production only (PROD_ONLY_BLOCKED), or unblocking.
 */
import { Badge, Button, Group, Pagination, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import type { Page } from '../../../../src/platform/pagination';
import type {
  BLOCK_STATES,
  ProviderSubscription,
} from '../../../../src/publisher/subscriptions/subscription-schemas';
import { useApi } from '../../../shared/portal-context';
import { Empty, QueryView } from '../../../shared/states';
import { DataTable } from '../../../shared/data-table';
import { useQuery } from '../../../shared/use-query';
import { usePermissions } from '../../permissions';
import { PUBLISHER } from '../../rest';
import { notifyFailure, notifySuccess } from '../notify';
import type { ApiTabProps } from './tab-props';

const PAGE_SIZE = 25;
const STATUS_COLORS: Record<string, string> = {
  UNBLOCKED: 'green',
  BLOCKED: 'red',
  PROD_ONLY_BLOCKED: 'orange',
  ON_HOLD: 'yellow',
  REJECTED: 'gray',
};
const STATUS_LABELS: Record<string, string> = {
  UNBLOCKED: 'Active',
  BLOCKED: 'Blocked',
  PROD_ONLY_BLOCKED: 'Production blocked',
  ON_HOLD: 'On hold',
  REJECTED: 'Rejected',
};

type Action = (typeof BLOCK_STATES)[number] | 'UNBLOCKED';

export function SubscriptionsTab({ api }: ApiTabProps) {
  const call = useApi();
  const { viewSubscriptions, blockSubscriptions } = usePermissions();
  const id = api.id ?? '';
  const [search, setSearch] = useState('');
  const [query] = useDebouncedValue(search.trim(), 300);
  const [page, setPage] = useState(1);
  const subscriptions = useQuery(
    () =>
      call<Page<ProviderSubscription>>('GET', `${PUBLISHER}/subscriptions`, {
        query: { apiId: id, query, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
      }),
    [call, id, query, page],
  );
  const [busy, setBusy] = useState<string>();

  if (!viewSubscriptions) return <Text>Your account may not see this API’s subscriptions.</Text>;

  const act = async (subscription: ProviderSubscription, action: Action) => {
    setBusy(subscription.subscriptionId);
    const app = subscription.applicationInfo.name;
    try {
      if (action === 'UNBLOCKED') {
        await call('POST', `${PUBLISHER}/subscriptions/unblock-subscription`, {
          query: { subscriptionId: subscription.subscriptionId },
        });
      } else {
        await call('POST', `${PUBLISHER}/subscriptions/block-subscription`, {
          query: { subscriptionId: subscription.subscriptionId, blockState: action },
        });
      }
      notifySuccess(
        action === 'UNBLOCKED'
          ? `${app} is unblocked.`
          : action === 'BLOCKED'
            ? `${app} is blocked.`
            : `${app} is blocked for production keys.`,
      );
      subscriptions.reload();
    } catch (err) {
      notifyFailure('The subscription did not change', err);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <Stack>
      <TextInput
        label="Search subscriptions"
        description="Part of the application’s name or of its owner’s."
        leftSection={<IconSearch size={16} aria-hidden="true" />}
        value={search}
        onChange={(event) => {
          setSearch(event.currentTarget.value);
          setPage(1);
        }}
        type="search"
        maw={420}
      />
      <QueryView query={subscriptions}>
        {({ list, pagination }) =>
          list.length === 0 ? (
            <Empty title={query ? 'No subscription matches' : 'No subscriptions yet'}>
              {query
                ? 'Try another name.'
                : 'Applications subscribe to the API in the Developer Portal once it is published.'}
            </Empty>
          ) : (
            <>
              <DataTable
                minWidth={760}
                columns={['Application', 'Owner', 'Tier', 'Status', blockSubscriptions && 'Actions']}
                aria-label="Subscriptions"
              >
                {list.map((subscription) => {
                  const app = subscription.applicationInfo.name;
                  const status = subscription.subscriptionStatus;
                  const mine = busy === subscription.subscriptionId;
                  return (
                    <Table.Tr key={subscription.subscriptionId}>
                      <Table.Td fw={500}>{app}</Table.Td>
                      <Table.Td>{subscription.applicationInfo.subscriber}</Table.Td>
                      <Table.Td>{subscription.throttlingPolicy}</Table.Td>
                      <Table.Td>
                        <Badge color={STATUS_COLORS[status] ?? 'gray'} variant="light">
                          {STATUS_LABELS[status] ?? status}
                        </Badge>
                      </Table.Td>
                      {blockSubscriptions && (
                        <Table.Td>
                          <Group gap="xs" wrap="nowrap">
                            {status !== 'BLOCKED' && (
                              <Button
                                size="xs"
                                color="red"
                                variant="light"
                                aria-label={`Block ${app}`}
                                loading={mine}
                                disabled={busy !== undefined && !mine}
                                onClick={() => void act(subscription, 'BLOCKED')}
                              >
                                Block
                              </Button>
                            )}
                            {status !== 'PROD_ONLY_BLOCKED' && status !== 'BLOCKED' && (
                              <Button
                                size="xs"
                                color="orange"
                                variant="light"
                                aria-label={`Block production for ${app}`}
                                disabled={busy !== undefined}
                                onClick={() => void act(subscription, 'PROD_ONLY_BLOCKED')}
                              >
                                Block production only
                              </Button>
                            )}
                            {(status === 'BLOCKED' || status === 'PROD_ONLY_BLOCKED') && (
                              <Button
                                size="xs"
                                variant="default"
                                aria-label={`Unblock ${app}`}
                                disabled={busy !== undefined}
                                onClick={() => void act(subscription, 'UNBLOCKED')}
                              >
                                Unblock
                              </Button>
                            )}
                          </Group>
                        </Table.Td>
                      )}
                    </Table.Tr>
                  );
                })}
              </DataTable>
              {pagination.total > PAGE_SIZE && (
                <Group justify="flex-end">
                  <Pagination
                    total={Math.ceil(pagination.total / PAGE_SIZE)}
                    value={page}
                    onChange={setPage}
                    getControlProps={(control) => ({ 'aria-label': `${control} page` })}
                  />
                </Group>
              )}
            </>
          )
        }
      </QueryView>
    </Stack>
  );
}
