/**
 * Changes to an existing user: roles, and a new password. Both end the user's sessions at the Key Manager
 * (their tokens are revoked), which the forms say before the admin saves.
 */
import { Button, Group, PasswordInput, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import type { User, UserChangesBody } from '../../../src/key-manager/routes/users-routes';
import type { Role } from '../../../src/key-manager/scopes';
import { usePortal } from '../../shared/portal-context';
import { FormError } from '../../shared/states';
import { usersUrl } from '../lib/key-manager';
import { showPrefixedError } from '../lib/server-errors';
import { passwordError } from '../lib/user-values';
import { RoleCheckboxes } from './role-checkboxes';

interface Props {
  user: User;
  onDone: () => void;
  onCancel: () => void;
}

function useChange(user: User, onDone: () => void) {
  const { api, settings } = usePortal();
  const [formError, setFormError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const change = async (
    body: UserChangesBody,
    success: string,
    form: { setErrors: (e: Record<string, string>) => void },
  ) => {
    setSaving(true);
    setFormError(undefined);
    try {
      await api<User>('PATCH', usersUrl(settings, user.username), { body });
      notifications.show({ color: 'green', message: success });
      onDone();
    } catch (err) {
      setFormError(showPrefixedError(form, err, ['roles', 'password']));
    } finally {
      setSaving(false);
    }
  };
  return { formError, saving, change };
}

export function UserRolesForm({ user, onDone, onCancel }: Props) {
  const { formError, saving, change } = useChange(user, onDone);
  const form = useForm<{ roles: Role[] }>({ initialValues: { roles: user.roles } });
  return (
    <form
      noValidate
      onSubmit={form.onSubmit((values) => void change(values, `Roles of ${user.username} saved.`, form))}
    >
      <Stack>
        <FormError title="Not saved" error={formError} />
        <RoleCheckboxes
          value={form.values.roles}
          onChange={(roles) => form.setFieldValue('roles', roles)}
          error={form.errors.roles}
        />
        <Text size="sm" c="dimmed">
          A change of roles signs {user.username} out everywhere: their tokens are revoked.
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={saving}>
            Save roles
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function UserPasswordForm({ user, onDone, onCancel }: Props) {
  const { formError, saving, change } = useChange(user, onDone);
  const form = useForm({
    initialValues: { password: '', confirm: '' },
    validate: {
      password: passwordError,
      confirm: (value, values) => (value === values.password ? null : 'The passwords differ'),
    },
  });
  return (
    <form
      noValidate
      onSubmit={form.onSubmit(
        (values) => void change({ password: values.password }, `Password of ${user.username} changed.`, form),
      )}
    >
      <Stack>
        <FormError title="Not changed" error={formError} />
        <PasswordInput
          label="New password"
          description="8 to 256 characters"

          autoComplete="new-password"
          {...form.getInputProps('password')}
        />
        <PasswordInput
          label="Repeat the password"

          autoComplete="new-password"
          {...form.getInputProps('confirm')}
        />
        <Text size="sm" c="dimmed">
          {user.username} is signed out everywhere: tokens obtained with the old password are revoked.
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={saving}>
            Set password
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
