/**
 * The API at a glance: its details, lifecycle (allowed actions only), where the gateways serve it, and the
 * Developer Portal link (GET /settings → devportalUrl, as WSO2 shows its APIStore URL).
 */
import { Anchor, Badge, Grid, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconExternalLink } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import type { DeploymentList } from '../../../../src/publisher/apis/revision-schemas';
import { useApi } from '../../../shared/portal-context';
import { useQuery } from '../../../shared/use-query';
import { apiPath } from '../../rest';
import { usePublisherSettings } from '../use-settings';
import { DeleteApiButton } from './DeleteApiButton';
import { LifecycleCard } from './LifecycleCard';
import { formatTime } from '../format-time';
import type { ApiTabProps } from './tab-props';

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" component="div" style={{ overflowWrap: 'anywhere' }}>
        {children}
      </Text>
    </div>
  );
}

function GatewayUrls({ apiId, context, version }: { apiId: string; context: string; version: string }) {
  const call = useApi();
  const settings = usePublisherSettings();
  const deployments = useQuery(
    () => call<DeploymentList>('GET', `${apiPath(apiId)}/deployments`),
    [call, apiId],
  );
  const environments = settings.data?.environment ?? [];
  const path = context.includes('{version}')
    ? context.replace('{version}', version)
    : `${context}/${version}`;
  const deployed = deployments.data?.list ?? [];
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="gateway-title">
      <Stack gap="xs">
        <Title order={3} size="h4" id="gateway-title">
          Gateway URLs
        </Title>
        {deployed.length === 0 ? (
          <Text size="sm" c="dimmed">
            Not deployed yet: create a revision and deploy it on the Revisions &amp; Deployments tab.
          </Text>
        ) : (
          deployed.map((deployment) => {
            const environment = environments.find((e) => e.name === deployment.name);
            return (
              <Group key={deployment.name} gap="xs" wrap="nowrap" align="baseline">
                <Badge variant="outline" style={{ flexShrink: 0 }}>
                  {deployment.name}
                </Badge>
                <Text size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                  {environment ? `${environment.serverUrl}${path}` : '—'}
                </Text>
              </Group>
            );
          })
        )}
      </Stack>
    </Paper>
  );
}

function DevportalLink({ apiId }: { apiId: string }) {
  const settings = usePublisherSettings();
  const base = settings.data?.devportalUrl.replace(/\/+$/, '');
  if (!base) return null;
  return (
    <Anchor href={`${base}/apis/${apiId}`} target="_blank" rel="noopener noreferrer">
      <Group gap={4} component="span" wrap="nowrap">
        View in Developer Portal
        <IconExternalLink size={14} aria-hidden="true" />
      </Group>
    </Anchor>
  );
}

export function OverviewTab(props: ApiTabProps) {
  const { api } = props;
  const id = api.id ?? '';
  return (
    <Grid gap="md">
      <Grid.Col span={{ base: 12, md: 7 }}>
        <Paper withBorder p="md" component="section" aria-labelledby="details-title">
          <Stack>
            <Group justify="space-between">
              <Title order={3} size="h4" id="details-title">
                Details
              </Title>
              <DevportalLink apiId={id} />
            </Group>
            {api.description && <Text size="sm">{api.description}</Text>}
            <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
              <Field label="Context">
                <Text ff="monospace" size="sm">
                  {api.context}
                </Text>
              </Field>
              <Field label="Version">
                {api.version}
                {api.isDefaultVersion ? ' (default)' : ''}
              </Field>
              <Field label="Provider">{api.provider ?? '—'}</Field>
              <Field label="Visibility">{api.visibility ?? 'PUBLIC'}</Field>
              <Field label="Subscription tiers">
                {api.policies?.length ? api.policies.join(', ') : 'None'}
              </Field>
              <Field label="Operations">{api.operations?.length ?? 0}</Field>
              <Field label="Created">{formatTime(api.createdTime)}</Field>
              <Field label="Last updated">{formatTime(api.lastUpdatedTime)}</Field>
            </SimpleGrid>
            {api.tags && api.tags.length > 0 && (
              <Group gap={4}>
                {api.tags.map((tag) => (
                  <Badge key={tag} variant="light" color="gray">
                    {tag}
                  </Badge>
                ))}
              </Group>
            )}
            <Group justify="flex-end">
              <DeleteApiButton api={api} />
            </Group>
          </Stack>
        </Paper>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 5 }}>
        <Stack>
          <LifecycleCard {...props} />
          <GatewayUrls apiId={id} context={api.context} version={api.version} />
        </Stack>
      </Grid.Col>
    </Grid>
  );
}
