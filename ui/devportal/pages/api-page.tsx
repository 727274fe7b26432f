/** One API: overview, documents, subscribing, and the console that calls it through the gateway. */
import {
  Anchor,
  Badge,
  Code,
  Group,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Tabs,
  Text,
  Title,
} from '@mantine/core';
import { Link, useParams } from 'wouter';
import { useApi, useUser } from '../../shared/portal-context';
import { QueryView } from '../../shared/states';
import { DataTable } from '../../shared/data-table';
import { useQuery } from '../../shared/use-query';
import { ApiDocuments } from '../components/api-documents';
import { CopyValue } from '../components/copy-value';
import { ApiConsole } from '../components/console/api-console';
import { SubscribePanel } from '../components/subscribe-panel';
import { DEVPORTAL, enc } from '../lib/paths';
import type { PortalApi } from '../lib/wire';

function Overview({ api }: { api: PortalApi }) {
  return (
    <Stack>
      <Text style={{ whiteSpace: 'pre-wrap' }}>{api.description || 'No description.'}</Text>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Paper withBorder p="md">
          <Stack gap="xs">
            <Title order={3} size="h5">
              Gateway URLs
            </Title>
            {api.endpointURLs.length === 0 && (
              <Text size="sm" c="dimmed">
                Not deployed to a gateway shown here yet.
              </Text>
            )}
            {api.endpointURLs.map((e) => (
              <Stack key={e.environmentName} gap={4}>
                <Text size="sm" fw={500}>
                  {e.environmentDisplayName}
                </Text>
                {[e.URLs.https, e.URLs.http, e.defaultVersionURLs.https, e.defaultVersionURLs.http]
                  .filter((u): u is string => Boolean(u))
                  .map((u) => (
                    <Group key={u} gap={4} wrap="nowrap">
                      <Code style={{ overflowWrap: 'anywhere' }}>{u}</Code>
                      <CopyValue value={u} label={u} />
                    </Group>
                  ))}
              </Stack>
            ))}
          </Stack>
        </Paper>
        <Paper withBorder p="md">
          <Stack gap="xs">
            <Title order={3} size="h5">
              Tiers
            </Title>
            <Group gap="xs">
              {api.tiers.length === 0 ? (
                <Text size="sm" c="dimmed">
                  None
                </Text>
              ) : (
                api.tiers.map((t) => (
                  <Badge key={t.tierName} variant="light">
                    {t.tierName}
                  </Badge>
                ))
              )}
            </Group>
            <Text size="sm">
              Security: {api.securityScheme.join(', ')} · header <Code>{api.authorizationHeader}</Code>
            </Text>
          </Stack>
        </Paper>
      </SimpleGrid>
      <Stack gap="xs">
        <Title order={3} size="h5">
          Operations
        </Title>
        <DataTable minWidth={320} aria-label="Operations">
          {api.operations.map((o) => (
            <Table.Tr key={o.id}>
              <Table.Td w={90}>
                <Badge variant="light">{o.verb}</Badge>
              </Table.Td>
              <Table.Td ff="monospace">{o.target}</Table.Td>
            </Table.Tr>
          ))}
        </DataTable>
      </Stack>
    </Stack>
  );
}

export function ApiPage() {
  const { apiId = '' } = useParams<{ apiId: string }>();
  const api = useApi();
  const user = useUser();
  const query = useQuery(
    () => api<PortalApi>('GET', `${DEVPORTAL}/apis/${enc(apiId)}`),
    [api, apiId, user?.username],
  );
  return (
    <Stack>
      <Anchor component={Link} href="/" size="sm">
        ← All APIs
      </Anchor>
      <QueryView query={query}>
        {(a) => (
          <Stack>
            <Stack gap={4}>
              <Group gap="xs" align="center">
                <Title order={2} style={{ overflowWrap: 'anywhere' }}>
                  {a.name}
                </Title>
                <Badge variant="light">{a.version}</Badge>
                {a.lifeCycleStatus !== 'PUBLISHED' && <Badge color="orange">{a.lifeCycleStatus}</Badge>}
              </Group>
              <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                {a.context} · by {a.provider}
              </Text>
              {a.tags.length > 0 && (
                <Group gap={4} aria-label="Tags">
                  {a.tags.map((t) => (
                    <Badge key={t} size="sm" variant="outline" color="gray">
                      {t}
                    </Badge>
                  ))}
                </Group>
              )}
            </Stack>
            <Tabs defaultValue="overview" keepMounted={false}>
              <Tabs.List>
                <Tabs.Tab value="overview">Overview</Tabs.Tab>
                <Tabs.Tab value="documents">Documents</Tabs.Tab>
                <Tabs.Tab value="subscribe">Subscribe</Tabs.Tab>
                <Tabs.Tab value="console">Try out</Tabs.Tab>
              </Tabs.List>
              <Tabs.Panel value="overview" pt="md">
                <Overview api={a} />
              </Tabs.Panel>
              <Tabs.Panel value="documents" pt="md">
                <ApiDocuments apiId={a.id} />
              </Tabs.Panel>
              <Tabs.Panel value="subscribe" pt="md">
                <SubscribePanel api={a} />
              </Tabs.Panel>
              <Tabs.Panel value="console" pt="md">
                <ApiConsole api={a} />
              </Tabs.Panel>
            </Tabs>
          </Stack>
        )}
      </QueryView>
    </Stack>
  );
}
