/** The list of one kind of throttling policy, with its create, edit and delete actions. */
import { ActionIcon, Anchor, Button, Group, Table, Text, Tooltip } from '@mantine/core';
import { IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link } from 'wouter';
import type { Policy, PolicyKind } from '../../../src/publisher/admin/policy-schemas';
import { usePortal } from '../../shared/portal-context';
import { Empty, ErrorMessage, QueryView } from '../../shared/states';
import { DataTable } from '../../shared/data-table';
import { useQuery } from '../../shared/use-query';
import { TIER_MANAGE, useCan } from '../lib/can';
import { describeLimit } from '../lib/limits';
import { policyPath } from '../lib/paths';
import { ConfirmButton } from './confirm-button';
import { PageHeader } from './page-header';

export interface Column<P> {
  header: string;
  cell: (policy: P) => ReactNode;
}

interface Props<P extends Policy> {
  kind: PolicyKind;
  /** `Subscription policy`, … */
  noun: string;
  title: string;
  description: ReactNode;
  columns?: Column<P>[];
}

export function PolicyList<P extends Policy>({ kind, noun, title, description, columns = [] }: Props<P>) {
  const { api } = usePortal();
  const canManage = useCan(...TIER_MANAGE);
  const query = useQuery(() => api<{ count: number; list: P[] }>('GET', policyPath(kind)), [api, kind]);
  const base = `/policies/${kind}`;
  return (
    <>
      <PageHeader
        title={title}
        description={description}
        action={
          canManage && (
            <Button component={Link} href={`${base}/new`} leftSection={<IconPlus size={16} />}>
              {`New ${noun.toLowerCase()}`}
            </Button>
          )
        }
      />
      {query.error && query.data && <ErrorMessage error={query.error} />}
      <QueryView query={query}>
        {({ list }) =>
          list.length === 0 ? (
            <Empty title={`No ${title.toLowerCase()} yet`} />
          ) : (
            <DataTable
              minWidth={640}
              columns={[
                'Name',
                'Default limit',
                ...columns.map((c) => c.header),
                'Description',
                canManage && 'Actions',
              ]}
              striped
              highlightOnHover
              verticalSpacing="sm"
              aria-label={title}
            >
              {list.map((policy) => (
                <Table.Tr key={policy.policyId}>
                  <Table.Td>
                    <Anchor component={Link} href={`${base}/${policy.policyId}`} fw={500}>
                      {policy.policyName}
                    </Anchor>
                    {policy.displayName && policy.displayName !== policy.policyName && (
                      <Text size="xs" c="dimmed">
                        {policy.displayName}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{describeLimit(policy.defaultLimit)}</Table.Td>
                  {columns.map((c) => (
                    <Table.Td key={c.header}>{c.cell(policy)}</Table.Td>
                  ))}
                  <Table.Td>
                    <Text size="sm" lineClamp={2}>
                      {policy.description}
                    </Text>
                  </Table.Td>
                  {canManage && (
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <Tooltip label={`Edit ${policy.policyName}`}>
                          <ActionIcon
                            variant="subtle"
                            component={Link}
                            href={`${base}/${policy.policyId}`}
                            aria-label={`Edit policy ${policy.policyName}`}
                          >
                            <IconPencil size={16} />
                          </ActionIcon>
                        </Tooltip>
                        <ConfirmButton
                          label={`Delete policy ${policy.policyName}`}
                          action="Delete"
                          title={`Delete ${noun.toLowerCase()} ${policy.policyName}?`}
                          icon={<IconTrash size={16} />}
                          success={`${noun} ${policy.policyName} deleted.`}
                          onConfirm={async () => {
                            await api('DELETE', policyPath(kind, policy.policyId));
                            query.reload();
                          }}
                        >
                          Gateways stop applying it at once. A policy that APIs, applications or subscriptions
                          still use cannot be deleted.
                        </ConfirmButton>
                      </Group>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </DataTable>
          )
        }
      </QueryView>
    </>
  );
}
