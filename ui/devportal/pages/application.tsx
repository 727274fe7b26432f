/** One application: overview (edit, delete), production and sandbox keys, subscriptions, analytics. */
import { Anchor, Badge, Button, Group, Paper, Stack, Tabs, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { Link, useLocation, useParams } from 'wouter';
import { AnalyticsView } from '../../shared/analytics/lazy-analytics-view';
import { messageOf } from '../../shared/api';
import { ConfirmDialog } from '../../shared/confirm-dialog';
import { useApi } from '../../shared/portal-context';
import { QueryView } from '../../shared/states';
import { useQuery } from '../../shared/use-query';
import { ApplicationForm, type ApplicationValues } from '../components/application-form';
import { ApplicationSubscriptions } from '../components/application-subscriptions';
import { KeysPanel } from '../components/keys/keys-panel';
import { DEVPORTAL, enc } from '../lib/paths';
import type { Application } from '../lib/wire';

function Overview({ application, onSaved }: { application: Application; onSaved: () => void }) {
  const api = useApi();
  const [, navigate] = useLocation();
  const [confirming, { open, close }] = useDisclosure(false);
  const [deleting, setDeleting] = useState(false);
  const path = `${DEVPORTAL}/applications/${enc(application.applicationId ?? '')}`;

  const save = async (values: ApplicationValues) => {
    await api<Application>('PUT', path, {
      body: {
        name: values.name.trim(),
        throttlingPolicy: values.throttlingPolicy,
        ...(values.description ? { description: values.description } : {}),
        tokenType: application.tokenType,
        attributes: application.attributes ?? {},
      },
    });
    notifications.show({ color: 'green', message: 'Application saved.' });
    onSaved();
  };

  const remove = async () => {
    setDeleting(true);
    try {
      await api<void>('DELETE', path);
      notifications.show({ color: 'green', message: `Application ${application.name} deleted.` });
      navigate('/applications');
    } catch (err) {
      notifications.show({ color: 'red', title: 'Not deleted', message: messageOf(err) });
      setDeleting(false);
    }
  };

  return (
    <Stack maw={640}>
      <Group gap="xs">
        <Text size="sm" c="dimmed">
          Owner {application.owner} · token type {application.tokenType} ·{' '}
          {application.subscriptionCount ?? 0} subscription{application.subscriptionCount === 1 ? '' : 's'}
        </Text>
      </Group>
      <ApplicationForm
        key={application.updatedTime}
        initial={application}
        submitLabel="Save"
        onSubmit={save}
      />
      <Paper withBorder p="md" style={{ borderColor: 'var(--mantine-color-red-4)' }}>
        <Group justify="space-between" gap="xs">
          <Text size="sm" maw={420}>
            Deleting the application removes its keys (their tokens stop working) and its subscriptions.
          </Text>
          <Button color="red" variant="light" onClick={open}>
            Delete application
          </Button>
        </Group>
      </Paper>
      <ConfirmDialog
        opened={confirming}
        onClose={close}
        title={`Delete ${application.name}?`}
        action="Delete"
        busy={deleting}
        onConfirm={() => void remove()}
      >
        <Text size="sm">Its keys, tokens and subscriptions go with it. This cannot be undone.</Text>
      </ConfirmDialog>
    </Stack>
  );
}

export function ApplicationPage() {
  const { applicationId = '' } = useParams<{ applicationId: string }>();
  const api = useApi();
  const query = useQuery(
    () => api<Application>('GET', `${DEVPORTAL}/applications/${enc(applicationId)}`),
    [api, applicationId],
  );
  return (
    <Stack>
      <Anchor component={Link} href="/applications" size="sm">
        ← Applications
      </Anchor>
      <QueryView query={query}>
        {(application) => (
          <Stack>
            <Group gap="xs">
              <Title order={2} style={{ overflowWrap: 'anywhere' }}>
                {application.name}
              </Title>
              <Badge variant="light">{application.throttlingPolicy}</Badge>
            </Group>
            {application.description && <Text c="dimmed">{application.description}</Text>}
            <Tabs defaultValue="overview" keepMounted={false}>
              <Tabs.List>
                <Tabs.Tab value="overview">Overview</Tabs.Tab>
                <Tabs.Tab value="production">Production keys</Tabs.Tab>
                <Tabs.Tab value="sandbox">Sandbox keys</Tabs.Tab>
                <Tabs.Tab value="subscriptions">Subscriptions</Tabs.Tab>
                <Tabs.Tab value="analytics">Analytics</Tabs.Tab>
              </Tabs.List>
              <Tabs.Panel value="overview" pt="md">
                <Overview application={application} onSaved={query.reload} />
              </Tabs.Panel>
              <Tabs.Panel value="production" pt="md">
                <KeysPanel applicationId={applicationId} keyType="PRODUCTION" />
              </Tabs.Panel>
              <Tabs.Panel value="sandbox" pt="md">
                <KeysPanel applicationId={applicationId} keyType="SANDBOX" />
              </Tabs.Panel>
              <Tabs.Panel value="subscriptions" pt="md">
                <ApplicationSubscriptions applicationId={applicationId} />
              </Tabs.Panel>
              <Tabs.Panel value="analytics" pt="md">
                <AnalyticsView
                  path={`${DEVPORTAL}/applications/${enc(applicationId)}/analytics`}
                  tops={['apis']}
                />
              </Tabs.Panel>
            </Tabs>
          </Stack>
        )}
      </QueryView>
    </Stack>
  );
}
