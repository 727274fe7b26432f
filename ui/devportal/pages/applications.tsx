/** The developer's applications, and creating one (name, throttling tier, description). */
import { Anchor, Button, Group, Modal, Stack, Table, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { Link, useLocation } from 'wouter';
import { useApi } from '../../shared/portal-context';
import { Empty, QueryView } from '../../shared/states';
import { DataTable } from '../../shared/data-table';
import { useQuery } from '../../shared/use-query';
import { ApplicationForm, type ApplicationValues } from '../components/application-form';
import { DEVPORTAL } from '../lib/paths';
import type { Application, ApplicationInfo, Page } from '../lib/wire';

export function ApplicationsPage() {
  const api = useApi();
  const [, navigate] = useLocation();
  const [creating, { open, close }] = useDisclosure(false);
  const query = useQuery(
    () => api<Page<ApplicationInfo>>('GET', `${DEVPORTAL}/applications`, { query: { limit: 1000 } }),
    [api],
  );

  const create = async (values: ApplicationValues) => {
    const created = await api<Application>('POST', `${DEVPORTAL}/applications`, {
      body: {
        name: values.name.trim(),
        throttlingPolicy: values.throttlingPolicy,
        ...(values.description ? { description: values.description } : {}),
      },
    });
    notifications.show({ color: 'green', message: `Application ${created.name} created.` });
    close();
    navigate(`/applications/${created.applicationId}`);
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Applications</Title>
        <Button onClick={open}>Create application</Button>
      </Group>
      <Modal opened={creating} onClose={close} title="Create application" fullScreen={false} size="lg">
        <ApplicationForm submitLabel="Create" onSubmit={create} onCancel={close} />
      </Modal>
      <QueryView query={query}>
        {(page) =>
          page.list.length === 0 ? (
            <Empty title="No applications yet">
              An application holds the keys your software calls APIs with. Create one, then subscribe it to
              APIs.
            </Empty>
          ) : (
            <DataTable
              minWidth={560}
              columns={['Name', 'Throttling tier', 'Subscriptions', 'Token type', 'Status']}
              striped
              highlightOnHover
              aria-label="Applications"
            >
              {page.list.map((a) => (
                <Table.Tr key={a.applicationId}>
                  <Table.Td>
                    <Anchor component={Link} href={`/applications/${a.applicationId}`}>
                      {a.name}
                    </Anchor>
                    {a.description && (
                      <Text size="xs" c="dimmed" lineClamp={1}>
                        {a.description}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{a.throttlingPolicy}</Table.Td>
                  <Table.Td>{a.subscriptionCount}</Table.Td>
                  <Table.Td>{a.tokenType}</Table.Td>
                  <Table.Td>{a.status}</Table.Td>
                </Table.Tr>
              ))}
            </DataTable>
          )
        }
      </QueryView>
    </Stack>
  );
}
