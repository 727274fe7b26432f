/** Creates a Key Manager user with a password and roles. */
import { Button, Group, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import type { NewUser, User } from '../../../src/key-manager/routes/users-routes';
import { usePortal } from '../../shared/portal-context';
import { FormError } from '../../shared/states';
import { usersUrl } from '../lib/key-manager';
import { showPrefixedError } from '../lib/server-errors';
import { passwordError, usernameError } from '../lib/user-values';
import { RoleCheckboxes } from './role-checkboxes';

export function UserCreateForm({ onDone, onCancel }: { onDone: () => void; onCancel: () => void }) {
  const { api, settings } = usePortal();
  const [formError, setFormError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const form = useForm<NewUser>({
    initialValues: { username: '', password: '', roles: [] },
    validate: {
      username: (value) => usernameError(value.trim()),
      password: passwordError,
    },
  });

  const save = async (values: NewUser) => {
    setSaving(true);
    setFormError(undefined);
    try {
      const body = { ...values, username: values.username.trim() };
      const user = await api<User>('POST', usersUrl(settings), { body });
      notifications.show({ color: 'green', message: `User ${user.username} created.` });
      onDone();
    } catch (err) {
      setFormError(showPrefixedError(form, err, ['username', 'password', 'roles']));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form noValidate onSubmit={form.onSubmit((values) => void save(values))}>
      <Stack>
        <FormError title="Not created" error={formError} />
        <TextInput label="Username" autoComplete="off" {...form.getInputProps('username')} />
        <PasswordInput
          label="Password"
          description="8 to 256 characters"

          autoComplete="new-password"
          {...form.getInputProps('password')}
        />
        <RoleCheckboxes
          value={form.values.roles}
          onChange={(roles) => form.setFieldValue('roles', roles)}
          error={form.errors.roles}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={saving}>
            Create user
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
