/**
 * An application's PRODUCTION or SANDBOX keys: generate them (the secret shown once), see the consumer key,
 * regenerate the secret (shown once), generate and revoke tokens.
 */
import { Badge, Button, Divider, Group, Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { messageOf } from '../../../shared/api';
import { ConfirmDialog } from '../../../shared/confirm-dialog';
import { useApi } from '../../../shared/portal-context';
import { QueryView } from '../../../shared/states';
import { useQuery } from '../../../shared/use-query';
import { useCredentials } from '../../lib/credentials';
import { DEVPORTAL, enc } from '../../lib/paths';
import type {
  ApplicationKey,
  ApplicationKeyList,
  ApplicationToken,
  KeyGenerateRequest,
  KeyType,
  SecretResponse,
} from '../../lib/wire';
import { GenerateKeysForm } from './generate-keys-form';
import { CopyField, ShownOnceModal, type ShownValue } from './shown-once-modal';
import { GenerateTokenForm, RevokeTokenForm } from './token-forms';

interface Shown {
  title: string;
  values: ShownValue[];
}

export function KeysPanel({ applicationId, keyType }: { applicationId: string; keyType: KeyType }) {
  const api = useApi();
  const credentials = useCredentials();
  const keysPath = `${DEVPORTAL}/applications/${enc(applicationId)}`;
  const query = useQuery(() => api<ApplicationKeyList>('GET', `${keysPath}/oauth-keys`), [api, keysPath]);
  const [shown, setShown] = useState<Shown>();
  const [confirming, { open: confirm, close: cancel }] = useDisclosure(false);
  const [regenerating, setRegenerating] = useState(false);
  // Forms that prefill the secret start afresh when it changes.
  const [formsVersion, setFormsVersion] = useState(0);
  const label = keyType === 'PRODUCTION' ? 'Production' : 'Sandbox';

  const generate = async (request: KeyGenerateRequest) => {
    const key = await api<ApplicationKey>('POST', `${keysPath}/generate-keys`, { body: request });
    if (key.consumerSecret) credentials.rememberSecret(key.consumerKey, key.consumerSecret);
    if (key.token) credentials.rememberToken(key.consumerKey, key.token.accessToken);
    setShown({
      title: `${label} keys generated`,
      values: [
        { label: 'Consumer key', value: key.consumerKey },
        ...(key.consumerSecret
          ? [{ label: 'Consumer secret', value: key.consumerSecret, secret: true }]
          : []),
        ...(key.token ? [{ label: 'Access token', value: key.token.accessToken, secret: true }] : []),
      ],
    });
    setFormsVersion((v) => v + 1);
    query.reload();
  };

  const regenerate = async (key: ApplicationKey) => {
    setRegenerating(true);
    try {
      const answer = await api<SecretResponse>(
        'POST',
        `${keysPath}/oauth-keys/${enc(key.keyMappingId)}/regenerate-secret`,
      );
      credentials.rememberSecret(answer.consumerKey, answer.consumerSecret);
      cancel();
      setShown({
        title: 'New consumer secret',
        values: [
          { label: 'Consumer key', value: answer.consumerKey },
          { label: 'Consumer secret', value: answer.consumerSecret, secret: true },
        ],
      });
      setFormsVersion((v) => v + 1);
    } catch (err) {
      notifications.show({ color: 'red', title: 'Secret not regenerated', message: messageOf(err) });
    } finally {
      setRegenerating(false);
    }
  };

  const showToken = (token: ApplicationToken) => {
    // The revoke form offers the newest token.
    setFormsVersion((v) => v + 1);
    setShown({
      title: 'Access token',
      values: [
        { label: 'Access token', value: token.accessToken, secret: true },
        { label: 'Scopes', value: token.tokenScopes.join(' ') || '(none)' },
        { label: 'Valid for (seconds)', value: String(token.validityTime) },
      ],
    });
  };

  return (
    <>
      <ShownOnceModal title={shown?.title ?? ''} values={shown?.values} onClose={() => setShown(undefined)} />
      <QueryView query={query}>
        {({ list }) => {
          const key = list.find((k) => k.keyType === keyType);
          if (!key) return <GenerateKeysForm keyType={keyType} onGenerate={generate} />;
          const remembered = credentials.secretOf(key.consumerKey) !== undefined;
          return (
            <Stack>
              <ConfirmDialog
                opened={confirming}
                onClose={cancel}
                title="Regenerate the consumer secret?"
                action="Regenerate"
                busy={regenerating}
                onConfirm={() => void regenerate(key)}
              >
                <Text size="sm">
                  The current secret stops working at once: software using it can no longer get tokens. Tokens
                  already issued stay valid until they expire.
                </Text>
              </ConfirmDialog>
              <Paper withBorder p="md">
                <Stack gap="sm">
                  <CopyField label="Consumer key" value={key.consumerKey} />
                  <Group gap="xs">
                    <Text size="sm" fw={500}>
                      Grant types:
                    </Text>
                    {key.supportedGrantTypes.map((g) => (
                      <Badge key={g} variant="light" color="gray">
                        {g}
                      </Badge>
                    ))}
                  </Group>
                  <Group justify="space-between" gap="xs">
                    <Text size="sm" c="dimmed" maw={560}>
                      {remembered
                        ? 'Consumer secret: remembered in this tab (not stored by the portal).'
                        : 'Consumer secret: shown only when generated. Lost it? Regenerate it.'}
                    </Text>
                    <Button variant="light" color="orange" onClick={confirm}>
                      Regenerate secret
                    </Button>
                  </Group>
                </Stack>
              </Paper>
              <Divider />
              <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="xl" key={formsVersion}>
                <GenerateTokenForm applicationId={applicationId} keys={key} onToken={showToken} />
                <RevokeTokenForm applicationId={applicationId} keys={key} />
              </SimpleGrid>
            </Stack>
          );
        }}
      </QueryView>
    </>
  );
}
