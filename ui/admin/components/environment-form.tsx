/**
 * Creates or edits a gateway environment and its virtual hosts. A configured environment is read-only on
 * the server; editing one shows the server's answer (409) above the form.
 */
import {
  Button,
  Fieldset,
  Group,
  NativeSelect,
  NumberInput,
  Stack,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import type { Environment } from '../../../src/publisher/admin/environment-schemas';
import { usePortal } from '../../shared/portal-context';
import { FormError } from '../../shared/states';
import {
  ENVIRONMENT_TYPES,
  PORTS,
  environmentErrors,
  environmentFromValues,
  environmentToValues,
  newVHost,
  type EnvironmentValues,
} from '../lib/environment-values';
import { environmentPath } from '../lib/paths';
import { showServerError } from '../lib/server-errors';

interface Props {
  original?: Environment;
  onDone: () => void;
  onCancel: () => void;
}

export function EnvironmentForm({ original, onDone, onCancel }: Props) {
  const { api } = usePortal();
  const [formError, setFormError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const form = useForm<EnvironmentValues>({
    initialValues: environmentToValues(original),
    validate: environmentErrors,
  });
  const editing = Boolean(original?.id);

  const save = async (values: EnvironmentValues) => {
    setSaving(true);
    setFormError(undefined);
    try {
      const body = environmentFromValues(values, original);
      const saved = original?.id
        ? await api<Environment>('PUT', environmentPath(original.id), { body })
        : await api<Environment>('POST', environmentPath(), { body });
      notifications.show({ color: 'green', message: `Environment ${saved.name} saved.` });
      onDone();
    } catch (err) {
      setFormError(showServerError(form, err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form noValidate onSubmit={form.onSubmit((values) => void save(values))}>
      <Stack>
        <FormError title="Not saved" error={formError} />
        {original?.isReadOnly && (
          <Text size="sm" c="dimmed">
            This environment is defined in the Publisher&apos;s configuration (publisher.environments); the
            server keeps it as configured.
          </Text>
        )}
        <TextInput
          label="Name"

          disabled={editing}
          description={
            editing
              ? 'Deployments refer to an environment by its name: it cannot change.'
              : 'Letters, digits, "_" and "-"'
          }
          {...form.getInputProps('name')}
        />
        <TextInput label="Display name" {...form.getInputProps('displayName')} />
        <Textarea label="Description" autosize minRows={2} {...form.getInputProps('description')} />
        <NativeSelect label="Environment type" data={ENVIRONMENT_TYPES} {...form.getInputProps('type')} />
        {form.values.vhosts.map((vhost, i) => (
          <Fieldset key={vhost.key} legend={`Virtual host ${i + 1}`} p={{ base: 'xs', sm: 'md' }}>
            <Stack gap="sm">
              <Group grow align="flex-start" wrap="wrap" preventGrowOverflow={false}>
                <TextInput
                  label="Host"
                  placeholder="gw.example.com"

                  miw={180}
                  {...form.getInputProps(`vhosts.${i}.host`)}
                />
                <TextInput
                  label="HTTP context"
                  placeholder="/gw"
                  miw={120}
                  {...form.getInputProps(`vhosts.${i}.httpContext`)}
                />
              </Group>
              <Group grow align="flex-start" wrap="wrap" preventGrowOverflow={false}>
                {PORTS.map(({ field, label }) => (
                  <NumberInput
                    key={field}
                    label={label}
                    min={1}
                    max={65535}
                    allowDecimal={false}
                    miw={100}
                    {...form.getInputProps(`vhosts.${i}.${field}`)}
                  />
                ))}
              </Group>
              {form.values.vhosts.length > 1 && (
                <Group justify="flex-end">
                  <Button
                    variant="subtle"
                    color="red"
                    size="xs"
                    leftSection={<IconTrash size={14} />}
                    aria-label={`Remove virtual host ${i + 1}`}
                    onClick={() => form.removeListItem('vhosts', i)}
                  >
                    Remove virtual host
                  </Button>
                </Group>
              )}
            </Stack>
          </Fieldset>
        ))}
        {form.errors.vhosts && (
          <Text size="sm" c="red" role="alert">
            {form.errors.vhosts}
          </Text>
        )}
        <Group>
          <Button
            variant="light"
            size="xs"
            leftSection={<IconPlus size={14} />}
            disabled={form.values.vhosts.length >= 20}
            onClick={() => form.insertListItem('vhosts', newVHost())}
          >
            Add virtual host
          </Button>
        </Group>
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={saving}>
            {editing ? 'Save environment' : 'Create environment'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
