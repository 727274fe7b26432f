/**
 * Self sign-up (POST /keymanager/v1/self-signup on the Key Manager): a new developer account with the
 * subscriber role, then "Sign in". The server's reasons (password policy, a taken name, sign-up turned off)
 * are shown next to the field they are about, or above the form.
 */
import {
  Alert,
  Anchor,
  Button,
  Center,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { Link } from 'wouter';
import type { SignUpRequest } from '../../../src/key-manager/routes/self-signup-route';
import type { ErrorBody } from '../../../src/platform/errors';
import { messageOf } from '../../shared/api';
import { usePortal, useUser } from '../../shared/portal-context';
import { SELF_SIGNUP } from '../lib/paths';

interface SignUpValues {
  username: string;
  password: string;
  confirm: string;
}

/** The same rules the Key Manager applies (src/key-manager/users/user-service.ts), checked before sending. */
const USERNAME = /^[A-Za-z0-9._@-]{3,64}$/;

class SignUpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function signUp(keyManagerUrl: string, username: string, password: string): Promise<void> {
  const response = await fetch(new URL(SELF_SIGNUP, keyManagerUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ username, password } satisfies SignUpRequest),
  });
  if (response.ok) return;
  const body = (await response.json().catch(() => ({}))) as Partial<ErrorBody>;
  throw new SignUpError(
    response.status,
    body.description || body.message || `Sign-up failed (HTTP ${response.status}).`,
  );
}

export function SignUpPage() {
  const { session, settings } = usePortal();
  const user = useUser();
  const [done, setDone] = useState<string>();
  const [formError, setFormError] = useState<string>();
  const form = useForm<SignUpValues>({
    mode: 'controlled',
    initialValues: { username: '', password: '', confirm: '' },
    validate: {
      username: (v) =>
        USERNAME.test(v) ? null : '3 to 64 characters: letters, digits, ".", "_", "@" or "-".',
      password: (v) => (v.length >= 8 && v.length <= 256 ? null : 'At least 8 characters (at most 256).'),
      confirm: (v, values) => (v === values.password ? null : 'The passwords do not match.'),
    },
  });

  const submit = form.onSubmit(async ({ username, password }) => {
    setFormError(undefined);
    try {
      await signUp(settings.keyManagerUrl, username, password);
      setDone(username);
      notifications.show({ color: 'green', message: `Account ${username} created.` });
    } catch (err) {
      const message = messageOf(err);
      const status = err instanceof SignUpError ? err.status : 0;
      if (status === 409 || /^username/i.test(message)) form.setFieldError('username', message);
      else if (/^password/i.test(message)) form.setFieldError('password', message);
      else setFormError(message);
    }
  });

  if (user)
    return (
      <Alert color="blue" title="You are signed in">
        You are signed in as {user.username}.{' '}
        <Anchor component={Link} href="/">
          Browse the APIs
        </Anchor>
        .
      </Alert>
    );

  return (
    <Center py={{ base: 'md', sm: 48 }}>
      <Paper withBorder p={{ base: 'md', sm: 'xl' }} maw={440} w="100%">
        {done ? (
          <Stack>
            <Title order={2}>Account created</Title>
            <Text>Welcome, {done}. Sign in to create applications, subscribe to APIs and get keys.</Text>
            <Button onClick={() => void session.signIn(import.meta.env.BASE_URL)}>Sign in</Button>
          </Stack>
        ) : (
          <form onSubmit={submit} noValidate>
            <Stack>
              <Title order={2}>Create an account</Title>
              <Text size="sm" c="dimmed">
                A developer account lets you subscribe applications to APIs and get their keys.
              </Text>
              {formError && (
                <Alert color="red" title="Sign-up failed" role="alert">
                  {formError}
                </Alert>
              )}
              <TextInput
                label="Username"
                autoComplete="username"
                required
                {...form.getInputProps('username')}
              />
              <PasswordInput
                label="Password"
                autoComplete="new-password"
                required
                {...form.getInputProps('password')}
              />
              <PasswordInput
                label="Confirm password"
                autoComplete="new-password"
                required
                {...form.getInputProps('confirm')}
              />
              <Button type="submit" loading={form.submitting}>
                Create account
              </Button>
              <Text size="sm">
                Already have an account?{' '}
                <Anchor
                  component="button"
                  type="button"
                  onClick={() => void session.signIn(import.meta.env.BASE_URL)}
                >
                  Sign in
                </Anchor>
              </Text>
            </Stack>
          </form>
        )}
      </Paper>
    </Center>
  );
}
