/** One API: a header, and its tabs (each its own file), the chosen tab in the URL (/apis/{id}/{tab}). */
import { Anchor, Group, Stack, Tabs, Text, Title } from '@mantine/core';
import { useState, type ComponentType } from 'react';
import { Link, useLocation } from 'wouter';
import type { Api } from '../../../src/publisher/apis/api-schemas';
import { useApi } from '../../shared/portal-context';
import { QueryView } from '../../shared/states';
import { useQuery } from '../../shared/use-query';
import { AnalyticsTab } from '../components/api-tabs/AnalyticsTab';
import { DocumentsTab } from '../components/api-tabs/DocumentsTab';
import { EndpointsTab } from '../components/api-tabs/EndpointsTab';
import { OperationsTab } from '../components/api-tabs/OperationsTab';
import { OverviewTab } from '../components/api-tabs/OverviewTab';
import { RevisionsTab } from '../components/api-tabs/RevisionsTab';
import { SettingsTab } from '../components/api-tabs/SettingsTab';
import { SubscriptionsTab } from '../components/api-tabs/SubscriptionsTab';
import type { ApiTabProps } from '../components/api-tabs/tab-props';
import { StatusBadge } from '../components/StatusBadge';
import { usePermissions } from '../permissions';
import { apiPath } from '../rest';

interface TabDefinition {
  value: string;
  label: string;
  Component: ComponentType<ApiTabProps>;
  shown?: (permissions: ReturnType<typeof usePermissions>) => boolean;
}

const TABS: TabDefinition[] = [
  { value: 'overview', label: 'Overview', Component: OverviewTab },
  { value: 'endpoints', label: 'Endpoints', Component: EndpointsTab },
  { value: 'operations', label: 'Operations', Component: OperationsTab },
  { value: 'settings', label: 'Settings', Component: SettingsTab },
  { value: 'deployments', label: 'Revisions & Deployments', Component: RevisionsTab },
  { value: 'documents', label: 'Documents', Component: DocumentsTab },
  {
    value: 'subscriptions',
    label: 'Subscriptions',
    Component: SubscriptionsTab,
    shown: (p) => p.viewSubscriptions,
  },
  { value: 'analytics', label: 'Analytics', Component: AnalyticsTab },
];

function ApiTabs({ initial, tab }: { initial: Api; tab: string | undefined }) {
  const [api, setApi] = useState(initial);
  const [, navigate] = useLocation();
  const permissions = usePermissions();
  const tabs = TABS.filter((t) => !t.shown || t.shown(permissions));
  const active = tabs.some((t) => t.value === tab) ? (tab as string) : 'overview';
  const base = `/apis/${api.id}`;
  return (
    <Stack>
      <Anchor component={Link} href="/" size="sm">
        ← APIs
      </Anchor>
      <Group gap="sm" align="center">
        <Title order={2} style={{ overflowWrap: 'anywhere' }}>
          {api.name}
        </Title>
        <Text c="dimmed" size="lg">
          {api.version}
        </Text>
        <StatusBadge status={api.lifeCycleStatus} />
      </Group>
      <Text size="sm" c="dimmed" ff="monospace">
        {api.context}
      </Text>
      <Tabs
        value={active}
        onChange={(value) => value && navigate(value === 'overview' ? base : `${base}/${value}`)}
        keepMounted={false}
      >
        <Tabs.List mb="md">
          {tabs.map((t) => (
            <Tabs.Tab key={t.value} value={t.value}>
              {t.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {tabs.map(({ value, Component }) => (
          <Tabs.Panel key={value} value={value}>
            <Component api={api} onChange={setApi} />
          </Tabs.Panel>
        ))}
      </Tabs>
    </Stack>
  );
}

export function ApiPage({ apiId, tab }: { apiId: string; tab?: string }) {
  const call = useApi();
  const query = useQuery(() => call<Api>('GET', apiPath(apiId)), [call, apiId]);
  return <QueryView query={query}>{(api) => <ApiTabs key={api.id} initial={api} tab={tab} />}</QueryView>;
}
