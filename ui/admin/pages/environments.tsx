/** Gateway environments: where APIs are deployed. Configured ones are read-only, and marked so. */
import { ActionIcon, Badge, Button, Group, Modal, Stack, Table, Text, Tooltip } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import type { Static } from 'typebox';
import type { Environment, EnvironmentListSchema } from '../../../src/publisher/admin/environment-schemas';
import { usePortal } from '../../shared/portal-context';
import { Empty, ErrorMessage, QueryView } from '../../shared/states';
import { DataTable } from '../../shared/data-table';
import { useQuery } from '../../shared/use-query';
import { ConfirmButton } from '../components/confirm-button';
import { EnvironmentForm } from '../components/environment-form';
import { PageHeader } from '../components/page-header';
import { ENVIRONMENT_TYPES, describeVHost } from '../lib/environment-values';
import { environmentPath } from '../lib/paths';

/** The environment being edited: undefined when the form is closed, `new` for a new one. */
type Editing = Environment | 'new' | undefined;

export function EnvironmentsPage() {
  const { api } = usePortal();
  const [editing, setEditing] = useState<Editing>();
  const phone = useMediaQuery('(max-width: 36em)');
  const query = useQuery(() => api<Static<typeof EnvironmentListSchema>>('GET', environmentPath()), [api]);
  const close = () => setEditing(undefined);
  const original = editing === 'new' ? undefined : editing;
  return (
    <>
      <PageHeader
        title="Gateway environments"
        description="Where the Publisher deploys APIs. Environments defined in the Publisher's configuration are read-only here."
        action={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
            New environment
          </Button>
        }
      />
      {query.error && query.data && <ErrorMessage error={query.error} />}
      <QueryView query={query}>
        {({ list }) =>
          list.length === 0 ? (
            <Empty title="No gateway environments" />
          ) : (
            <DataTable
              minWidth={640}
              columns={['Name', 'Type', 'Virtual hosts', 'Actions']}
              striped
              verticalSpacing="sm"
              aria-label="Gateway environments"
            >
              {list.map((env) => (
                <Table.Tr key={env.id}>
                  <Table.Td>
                    <Group gap="xs">
                      <Text fw={500}>{env.name}</Text>
                      {env.isReadOnly && (
                        <Tooltip label="Defined in the Publisher's configuration (publisher.environments)">
                          <Badge color="gray" variant="light">
                            Read-only
                          </Badge>
                        </Tooltip>
                      )}
                    </Group>
                    {env.displayName && env.displayName !== env.name && (
                      <Text size="xs" c="dimmed">
                        {env.displayName}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {ENVIRONMENT_TYPES.find((t) => t.value === env.type)?.label ?? env.type}
                  </Table.Td>
                  <Table.Td>
                    <Stack gap={2}>
                      {env.vhosts.map((vhost, i) => (
                        <Text key={i} size="sm">
                          {describeVHost(vhost)}
                        </Text>
                      ))}
                    </Stack>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <Tooltip label={`Edit ${env.name}`}>
                        <ActionIcon
                          variant="subtle"
                          aria-label={`Edit environment ${env.name}`}
                          onClick={() => setEditing(env)}
                        >
                          <IconPencil size={16} />
                        </ActionIcon>
                      </Tooltip>
                      <ConfirmButton
                        label={`Delete environment ${env.name}`}
                        action="Delete"
                        title={`Delete environment ${env.name}?`}
                        icon={<IconTrash size={16} />}
                        success={`Environment ${env.name} deleted.`}
                        onConfirm={async () => {
                          await api('DELETE', environmentPath(env.id ?? ''));
                          query.reload();
                        }}
                      >
                        Its gateways stop receiving deployments. An environment that still runs APIs cannot be
                        deleted.
                      </ConfirmButton>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </DataTable>
          )
        }
      </QueryView>
      <Modal
        opened={editing !== undefined}
        onClose={close}
        title={original ? `Edit environment ${original.name}` : 'New environment'}
        fullScreen={phone}
        size="xl"
      >
        {editing !== undefined && (
          <EnvironmentForm
            original={original}
            onCancel={close}
            onDone={() => {
              close();
              query.reload();
            }}
          />
        )}
      </Modal>
    </>
  );
}
