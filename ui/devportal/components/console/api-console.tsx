/**
 * The API console: the operations of the API's definition, called through the gateway with a token of one of
 * the developer's applications. Written for this portal (no swagger-ui): the browser calls the gateway
 * directly, so the API's CORS configuration must allow this portal's origin.
 */
import {
  Accordion,
  Alert,
  Badge,
  Button,
  Group,
  Paper,
  PasswordInput,
  Select,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useMemo, useState } from 'react';
import type { Definition } from '../../../../src/publisher/apis/openapi';
import { usePortal, useUser } from '../../../shared/portal-context';
import { Empty, QueryView } from '../../../shared/states';
import { useQuery } from '../../../shared/use-query';
import { DEVPORTAL, enc } from '../../lib/paths';
import type { PortalApi } from '../../lib/wire';
import { ConsoleAuth } from './console-auth';
import { OperationPanel } from './operation-panel';
import { operationsOf } from './operations';

const VERB_COLORS: Record<string, string> = {
  GET: 'blue',
  POST: 'green',
  PUT: 'orange',
  PATCH: 'teal',
  DELETE: 'red',
  HEAD: 'gray',
  OPTIONS: 'gray',
};

/** Every gateway URL of the API, HTTPS first (a page served over HTTPS may not call HTTP). */
function gatewayUrls(api: PortalApi): { value: string; label: string }[] {
  const urls = api.endpointURLs.flatMap((e) =>
    [e.URLs.https, e.URLs.http]
      .filter((u): u is string => Boolean(u))
      .map((u) => ({
        value: u,
        label: api.endpointURLs.length > 1 ? `${e.environmentDisplayName}: ${u}` : u,
      })),
  );
  return urls.sort((a, b) => Number(b.value.startsWith('https:')) - Number(a.value.startsWith('https:')));
}

export function ApiConsole({ api: portalApi }: { api: PortalApi }) {
  const { api, session } = usePortal();
  const user = useUser();
  const definition = useQuery(
    () => api<Definition>('GET', `${DEVPORTAL}/apis/${enc(portalApi.id)}/swagger`),
    [api, portalApi.id, user?.username],
  );
  const urls = gatewayUrls(portalApi);
  const [baseUrl, setBaseUrl] = useState<string | null>(urls[0]?.value ?? null);
  const [token, setToken] = useState('');
  const operations = useMemo(() => (definition.data ? operationsOf(definition.data) : []), [definition.data]);
  const scopes = useMemo(() => [...new Set(operations.flatMap((o) => o.scopes))], [operations]);

  return (
    <Stack>
      <Paper withBorder p="md">
        <Stack gap="sm">
          <Title order={3} size="h5">
            Credentials
          </Title>
          {user ? (
            <ConsoleAuth apiId={portalApi.id} token={token} onToken={setToken} scopes={scopes} />
          ) : (
            <Stack gap="xs">
              <Text size="sm">
                Sign in to call the API with a token of one of your applications, or paste a token.
              </Text>
              <Group align="flex-end">
                <PasswordInput
                  label="Access token"
                  value={token}
                  onChange={(e) => setToken(e.currentTarget.value)}
                  w={{ base: '100%', sm: 420 }}
                />
                <Button variant="light" onClick={() => void session.signIn()}>
                  Sign in to get a token
                </Button>
              </Group>
            </Stack>
          )}
          {urls.length > 0 ? (
            <Select
              label="Gateway URL"
              data={urls}
              value={baseUrl}
              onChange={setBaseUrl}
              allowDeselect={false}
              maw={640}
            />
          ) : (
            <Alert color="orange" title="Not deployed">
              This API is not deployed to any gateway shown on the Developer Portal: there is nothing to call
              yet.
            </Alert>
          )}
          {baseUrl?.startsWith('http:') && location.protocol === 'https:' && (
            <Text size="sm" c="orange">
              This page is served over HTTPS: the browser blocks calls to an HTTP URL. Choose an HTTPS one.
            </Text>
          )}
        </Stack>
      </Paper>
      <QueryView query={definition}>
        {() =>
          operations.length === 0 ? (
            <Empty title="No operations">The API's definition lists no operations.</Empty>
          ) : (
            <Accordion variant="separated" multiple chevronPosition="left" transitionDuration={0}>
              {operations.map((operation) => (
                <Accordion.Item key={operation.key} value={operation.key}>
                  <Accordion.Control aria-label={operation.key}>
                    <Group gap="xs" wrap="nowrap">
                      <Badge color={VERB_COLORS[operation.verb] ?? 'gray'} w={72} style={{ flexShrink: 0 }}>
                        {operation.verb}
                      </Badge>
                      <Text ff="monospace" size="sm" style={{ overflowWrap: 'anywhere' }}>
                        {operation.path}
                      </Text>
                      {operation.summary && (
                        <Text size="sm" c="dimmed" visibleFrom="sm" truncate>
                          {operation.summary}
                        </Text>
                      )}
                    </Group>
                  </Accordion.Control>
                  <Accordion.Panel>
                    <OperationPanel
                      operation={operation}
                      baseUrl={baseUrl ?? undefined}
                      token={token}
                      authorizationHeader={portalApi.authorizationHeader}
                    />
                  </Accordion.Panel>
                </Accordion.Item>
              ))}
            </Accordion>
          )
        }
      </QueryView>
    </Stack>
  );
}
