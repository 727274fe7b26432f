/**
 * Subscribing to an API: the developer's applications already subscribed (with tier and status), and a form
 * to subscribe another one at one of the API's tiers (POST /subscriptions).
 */
import { Alert, Anchor, Button, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { Link } from 'wouter';
import { ApiError, messageOf } from '../../shared/api';
import { usePortal, useUser } from '../../shared/portal-context';
import { FormError, QueryView } from '../../shared/states';
import { DataTable } from '../../shared/data-table';
import { useQuery } from '../../shared/use-query';
import { DEVPORTAL } from '../lib/paths';
import { policyOption } from '../lib/policies';
import type { ApplicationInfo, Page, PortalApi, PortalPolicy, Subscription } from '../lib/wire';
import { StatusBadge } from './status-badge';

interface SubscribeValues {
  applicationId: string;
  throttlingPolicy: string;
}

export function SubscribePanel({ api: portalApi }: { api: PortalApi }) {
  const { api, session } = usePortal();
  const user = useUser();
  const query = useQuery(
    () =>
      user
        ? Promise.all([
            api<Page<ApplicationInfo>>('GET', `${DEVPORTAL}/applications`, { query: { limit: 1000 } }),
            api<Page<Subscription>>('GET', `${DEVPORTAL}/subscriptions`, {
              query: { apiId: portalApi.id, limit: 1000 },
            }),
            api<Page<PortalPolicy>>('GET', `${DEVPORTAL}/throttling-policies/subscription`, {
              query: { limit: 1000 },
            }),
          ])
        : Promise.resolve(undefined),
    [api, portalApi.id, user?.username],
  );
  const [formError, setFormError] = useState<string>();
  const tiers = portalApi.tiers.map((t) => t.tierName);
  const form = useForm<SubscribeValues>({
    mode: 'controlled',
    initialValues: { applicationId: '', throttlingPolicy: tiers[0] ?? '' },
    validate: {
      applicationId: (v) => (v ? null : 'Choose an application.'),
      throttlingPolicy: (v) => (v ? null : 'Choose a tier.'),
    },
  });

  if (!portalApi.isSubscriptionAvailable)
    return (
      <Alert color="gray" title="Subscriptions closed">
        {portalApi.lifeCycleStatus === 'PUBLISHED'
          ? 'This API offers no tier to subscribe at.'
          : `This API is ${portalApi.lifeCycleStatus.toLowerCase()}: it takes no new subscriptions.`}
      </Alert>
    );
  if (!user)
    return (
      <Stack gap="xs" align="flex-start">
        <Text size="sm">Sign in to subscribe your applications to this API.</Text>
        <Button variant="light" onClick={() => void session.signIn()}>
          Sign in to subscribe
        </Button>
      </Stack>
    );

  const submit = form.onSubmit(async (values) => {
    setFormError(undefined);
    try {
      await api<Subscription>('POST', `${DEVPORTAL}/subscriptions`, {
        body: {
          apiId: portalApi.id,
          applicationId: values.applicationId,
          throttlingPolicy: values.throttlingPolicy,
        },
      });
      notifications.show({ color: 'green', message: `Subscribed at ${values.throttlingPolicy}.` });
      form.setFieldValue('applicationId', '');
      query.reload();
    } catch (err) {
      const fields = err instanceof ApiError ? err.fieldErrors : {};
      const message = messageOf(err);
      if (fields.throttlingPolicy || /^throttlingPolicy/.test(message))
        form.setFieldError('throttlingPolicy', fields.throttlingPolicy ?? message);
      else if (fields.applicationId) form.setFieldError('applicationId', fields.applicationId);
      else setFormError(message);
    }
  });

  return (
    <QueryView query={query}>
      {(data) => {
        if (!data) return null;
        const [applications, subscriptions, policies] = data;
        const subscribed = new Set(subscriptions.list.map((s) => s.applicationId));
        const free = applications.list.filter((a) => !subscribed.has(a.applicationId));
        return (
          <Stack>
            {subscriptions.list.length > 0 && (
              <Stack gap="xs">
                <Title order={3} size="h5">
                  Your subscriptions
                </Title>
                <DataTable
                  minWidth={420}
                  columns={['Application', 'Tier', 'Status']}
                  aria-label="Your subscriptions to this API"
                >
                  {subscriptions.list.map((s) => (
                    <Table.Tr key={s.subscriptionId}>
                      <Table.Td>
                        <Anchor component={Link} href={`/applications/${s.applicationId}`}>
                          {s.applicationInfo?.name ?? s.applicationId}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>{s.throttlingPolicy}</Table.Td>
                      <Table.Td>
                        <StatusBadge status={s.status} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </DataTable>
              </Stack>
            )}
            {applications.list.length === 0 ? (
              <Text size="sm">
                You need an application to subscribe with.{' '}
                <Anchor component={Link} href="/applications">
                  Create an application
                </Anchor>
                .
              </Text>
            ) : free.length === 0 ? (
              <Text size="sm" c="dimmed">
                All your applications are subscribed to this API.
              </Text>
            ) : (
              <form onSubmit={submit} noValidate aria-label="Subscribe">
                <Stack gap="sm">
                  <Title order={3} size="h5">
                    Subscribe an application
                  </Title>
                  <FormError title="Not subscribed" error={formError} />
                  <Group align="flex-start" gap="sm" wrap="wrap">
                    <Select
                      label="Application"
                      placeholder="Choose an application"
                      data={free.map((a) => ({ value: a.applicationId, label: a.name }))}
                      required
                      w={{ base: '100%', sm: 280 }}
                      {...form.getInputProps('applicationId')}
                    />
                    <Select
                      label="Tier"
                      data={tiers.map((t) => policyOption(t, policies.list))}
                      required
                      allowDeselect={false}
                      w={{ base: '100%', sm: 280 }}
                      {...form.getInputProps('throttlingPolicy')}
                    />
                  </Group>
                  <Group>
                    <Button type="submit" loading={form.submitting}>
                      Subscribe
                    </Button>
                  </Group>
                </Stack>
              </form>
            )}
          </Stack>
        );
      }}
    </QueryView>
  );
}
