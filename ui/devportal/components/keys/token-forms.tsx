/**
 * Tokens of an application's keys: generate one (client credentials, with scopes and a validity), or revoke
 * one. Both need the consumer secret, which the server keeps only as a hash: the one this tab remembers is
 * filled in.
 */
import { Button, Group, NumberInput, PasswordInput, Stack, TagsInput, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useState, type FormEventHandler, type ReactNode } from 'react';
import { ApiError, messageOf } from '../../../shared/api';
import { useApi } from '../../../shared/portal-context';
import { useCredentials } from '../../lib/credentials';
import { DEVPORTAL, enc } from '../../lib/paths';
import type { ApplicationKey, ApplicationToken } from '../../lib/wire';
import { FormError } from '../../../shared/states';

interface Props {
  applicationId: string;
  keys: ApplicationKey;
  onToken: (token: ApplicationToken) => void;
}

const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** The URL of one of these keys' token actions (`generate-token`, `revoke-token`). */
function tokenPath({ applicationId, keys }: Omit<Props, 'onToken'>, action: string): string {
  return `${DEVPORTAL}/applications/${enc(applicationId)}/oauth-keys/${enc(keys.keyMappingId)}/${action}`;
}

const requireSecret = (v: string) => (v ? null : 'The consumer secret is required.');

/** The frame of both forms: named, titled, the failure above the fields, the submit button last. */
function TokenForm({
  label,
  title,
  onSubmit,
  error,
  errorTitle,
  children,
}: {
  label: string;
  title: string;
  onSubmit: FormEventHandler<HTMLFormElement>;
  error: string | undefined;
  errorTitle: string;
  children: ReactNode;
}) {
  return (
    <form onSubmit={onSubmit} noValidate aria-label={label}>
      <Stack gap="sm" maw={560}>
        <Title order={4} size="h5">
          {title}
        </Title>
        <FormError title={errorTitle} error={error} />
        {children}
      </Stack>
    </form>
  );
}

function secretError(err: unknown): string | undefined {
  const message = messageOf(err);
  return /consumerSecret/.test(message) ? 'The consumer key and secret do not match.' : undefined;
}

export function GenerateTokenForm(props: Props) {
  const { keys, onToken } = props;
  const api = useApi();
  const credentials = useCredentials();
  const [formError, setFormError] = useState<string>();
  const form = useForm({
    mode: 'controlled',
    initialValues: {
      consumerSecret: credentials.secretOf(keys.consumerKey) ?? '',
      scopes: [] as string[],
      validity: 3600 as number | string,
    },
    validate: {
      consumerSecret: requireSecret,
      scopes: (v) => (v.every((s) => SCOPE_TOKEN.test(s)) ? null : 'Scopes are single words without quotes.'),
      validity: (v) => (Number(v) >= 1 ? null : 'At least 1 second.'),
    },
  });
  const submit = form.onSubmit(async (values) => {
    setFormError(undefined);
    try {
      const token = await api<ApplicationToken>('POST', tokenPath(props, 'generate-token'), {
        body: {
          consumerSecret: values.consumerSecret,
          validityPeriod: Number(values.validity),
          scopes: values.scopes,
          grantType: 'CLIENT_CREDENTIALS',
        },
      });
      credentials.rememberSecret(keys.consumerKey, values.consumerSecret);
      credentials.rememberToken(keys.consumerKey, token.accessToken);
      onToken(token);
    } catch (err) {
      const wrongSecret = secretError(err);
      const fields = err instanceof ApiError ? err.fieldErrors : {};
      if (wrongSecret) form.setFieldError('consumerSecret', wrongSecret);
      else if (fields.scopes || fields['scopes.0'])
        form.setFieldError('scopes', fields.scopes ?? fields['scopes.0']);
      else setFormError(messageOf(err));
    }
  });
  return (
    <TokenForm
      label="Generate access token"
      title="Generate an access token"
      onSubmit={submit}
      error={formError}
      errorTitle="No token"
    >
      <PasswordInput label="Consumer secret" {...form.getInputProps('consumerSecret')} />
      <TagsInput label="Scopes" placeholder="Type a scope, then Enter" {...form.getInputProps('scopes')} />
      <NumberInput label="Validity (seconds)" min={1} step={60} {...form.getInputProps('validity')} />
      <Group>
        <Button type="submit" loading={form.submitting}>
          Generate access token
        </Button>
      </Group>
    </TokenForm>
  );
}

export function RevokeTokenForm(props: Omit<Props, 'onToken'>) {
  const { keys } = props;
  const api = useApi();
  const credentials = useCredentials();
  const [formError, setFormError] = useState<string>();
  const form = useForm({
    mode: 'controlled',
    initialValues: {
      token: credentials.tokenOf(keys.consumerKey) ?? '',
      consumerSecret: credentials.secretOf(keys.consumerKey) ?? '',
    },
    validate: {
      token: (v) => (v.trim() ? null : 'Paste the token to revoke.'),
      consumerSecret: requireSecret,
    },
  });
  const submit = form.onSubmit(async (values) => {
    setFormError(undefined);
    try {
      await api<void>('POST', tokenPath(props, 'revoke-token'), {
        body: { token: values.token.trim(), consumerSecret: values.consumerSecret },
      });
      if (credentials.tokenOf(keys.consumerKey) === values.token.trim())
        credentials.rememberToken(keys.consumerKey, undefined);
      form.setFieldValue('token', '');
      notifications.show({ color: 'green', message: 'Token revoked: gateways refuse it from now on.' });
    } catch (err) {
      const wrongSecret = secretError(err);
      if (wrongSecret) form.setFieldError('consumerSecret', wrongSecret);
      else setFormError(messageOf(err));
    }
  });
  return (
    <TokenForm
      label="Revoke a token"
      title="Revoke a token"
      onSubmit={submit}
      error={formError}
      errorTitle="Not revoked"
    >
      <TextInput
        label="Token to revoke"
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        {...form.getInputProps('token')}
      />
      <PasswordInput label="Consumer secret" {...form.getInputProps('consumerSecret')} />
      <Group>
        <Button type="submit" color="red" variant="light" loading={form.submitting}>
          Revoke token
        </Button>
      </Group>
    </TokenForm>
  );
}
