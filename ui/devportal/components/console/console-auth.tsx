/**
 * Who the console calls as: one of the developer's applications and its PRODUCTION or SANDBOX keys. "Get
 * token" asks generate-token of those keys (with the consumer secret this tab remembers, or one the developer
 * types) and fills the access token, which can also be pasted.
 */
import {
  Alert,
  Anchor,
  Button,
  Group,
  PasswordInput,
  SegmentedControl,
  Select,
  Stack,
  Text,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { messageOf } from '../../../shared/api';
import { useApi } from '../../../shared/portal-context';
import { useQuery } from '../../../shared/use-query';
import { useCredentials } from '../../lib/credentials';
import { DEVPORTAL, enc } from '../../lib/paths';
import type {
  ApplicationInfo,
  ApplicationKeyList,
  ApplicationToken,
  KeyType,
  Page,
  Subscription,
} from '../../lib/wire';
import { FormError } from '../../../shared/states';

export interface ConsoleAuthProps {
  apiId: string;
  token: string;
  onToken: (token: string) => void;
  /** Scopes the operations ask for: requested with the token. */
  scopes: string[];
}

export function ConsoleAuth({ apiId, token, onToken, scopes }: ConsoleAuthProps) {
  const api = useApi();
  const credentials = useCredentials();
  const lists = useQuery(
    () =>
      Promise.all([
        api<Page<ApplicationInfo>>('GET', `${DEVPORTAL}/applications`, { query: { limit: 1000 } }),
        api<Page<Subscription>>('GET', `${DEVPORTAL}/subscriptions`, { query: { apiId, limit: 1000 } }),
      ]),
    [api, apiId],
  );
  const [applicationId, setApplicationId] = useState<string | null>(null);
  const [keyType, setKeyType] = useState<KeyType>('PRODUCTION');
  const [typedSecret, setTypedSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const [applications, subscriptions] = lists.data ?? [undefined, undefined];
  const subscribed = new Map((subscriptions?.list ?? []).map((s) => [s.applicationId, s]));
  const options = (applications?.list ?? [])
    .map((a) => {
      const s = subscribed.get(a.applicationId);
      return {
        value: a.applicationId,
        label: s
          ? `${a.name} (${s.throttlingPolicy}${s.status !== 'UNBLOCKED' ? `, ${s.status}` : ''})`
          : `${a.name} (not subscribed)`,
        subscribed: Boolean(s),
      };
    })
    .sort((a, b) => Number(b.subscribed) - Number(a.subscribed));

  // The first subscribed application, once the lists are in.
  useEffect(() => {
    if (applicationId === null && options[0]) setApplicationId(options[0].value);
  }, [applicationId, options]);

  const keys = useQuery(
    () =>
      applicationId
        ? api<ApplicationKeyList>('GET', `${DEVPORTAL}/applications/${enc(applicationId)}/oauth-keys`)
        : Promise.resolve<ApplicationKeyList>({ count: 0, list: [] }),
    [api, applicationId],
  );
  const key = keys.data?.list.find((k) => k.keyType === keyType);
  const rememberedSecret = key ? credentials.secretOf(key.consumerKey) : undefined;

  const getToken = async () => {
    if (!applicationId || !key) return;
    const consumerSecret = rememberedSecret ?? typedSecret;
    if (!consumerSecret) {
      setError('Enter the consumer secret of these keys.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const answer = await api<ApplicationToken>(
        'POST',
        `${DEVPORTAL}/applications/${enc(applicationId)}/oauth-keys/${enc(key.keyMappingId)}/generate-token`,
        { body: { consumerSecret, validityPeriod: 3600, scopes, grantType: 'CLIENT_CREDENTIALS' } },
      );
      if (!rememberedSecret) credentials.rememberSecret(key.consumerKey, consumerSecret);
      credentials.rememberToken(key.consumerKey, answer.accessToken);
      onToken(answer.accessToken);
      notifications.show({ color: 'green', message: `Token generated, valid ${answer.validityTime} s.` });
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  if (lists.error)
    return (
      <Alert color="red" role="alert">
        {lists.error}
      </Alert>
    );
  const noApplications = applications !== undefined && applications.list.length === 0;
  const selectedSubscribed = applicationId ? subscribed.has(applicationId) : false;
  return (
    <Stack gap="sm">
      {noApplications && (
        <Text size="sm">
          You have no application yet.{' '}
          <Anchor component={Link} href="/applications">
            Create one
          </Anchor>
          , subscribe it to this API and generate its keys; or paste a token below.
        </Text>
      )}
      <Group align="flex-end" gap="sm" wrap="wrap">
        <Select
          label="Application"
          placeholder={lists.loading ? 'Loading…' : 'Choose an application'}
          data={options.map(({ value, label }) => ({ value, label }))}
          value={applicationId}
          onChange={setApplicationId}
          disabled={noApplications}
          w={{ base: '100%', sm: 320 }}
        />
        <Stack gap={4}>
          <Text size="sm" fw={500} id="console-key-type">
            Key type
          </Text>
          <SegmentedControl
            aria-labelledby="console-key-type"
            value={keyType}
            onChange={(v) => setKeyType(v as KeyType)}
            data={[
              { value: 'PRODUCTION', label: 'Production' },
              { value: 'SANDBOX', label: 'Sandbox' },
            ]}
          />
        </Stack>
      </Group>
      {applicationId && !selectedSubscribed && (
        <Text size="sm" c="orange">
          This application is not subscribed to this API: the gateway will refuse its tokens.
        </Text>
      )}
      {applicationId && keys.data && !key && (
        <Text size="sm">
          This application has no {keyType.toLowerCase()} keys yet.{' '}
          <Anchor component={Link} href={`/applications/${applicationId}`}>
            Generate them
          </Anchor>
          .
        </Text>
      )}
      {key && !rememberedSecret && (
        <PasswordInput
          label="Consumer secret"
          description="Shown once when the keys were generated; regenerate it on the application's page if it is lost."
          value={typedSecret}
          onChange={(e) => setTypedSecret(e.currentTarget.value)}
          maw={520}
        />
      )}
      <FormError title="No token" error={error} />
      <Group align="flex-end" gap="sm" wrap="wrap">
        <PasswordInput
          label="Access token"
          description="Sent as Authorization: Bearer <token>."
          value={token}
          onChange={(e) => onToken(e.currentTarget.value)}
          w={{ base: '100%', sm: 420 }}
        />
        <Button variant="light" onClick={() => void getToken()} loading={busy} disabled={!key}>
          Get token
        </Button>
      </Group>
    </Stack>
  );
}
