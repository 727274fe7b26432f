/** Creates a deny policy: what to refuse (an API, an application, a user, an IP or a range) and whether now. */
import { Button, Checkbox, Group, NativeSelect, Stack, Switch, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import type { DenyPolicy } from '../../../src/publisher/admin/deny-policy-schemas';
import { messageOf } from '../../shared/api';
import { usePortal } from '../../shared/portal-context';
import { FormError } from '../../shared/states';
import {
  DENY_TYPES,
  DENY_TYPE_LABELS,
  NEW_DENY,
  denyErrors,
  denyFieldOf,
  denyFromValues,
  describeDenyValue,
  type DenyValues,
} from '../lib/deny-values';
import { DENY_POLICIES } from '../lib/paths';

export function DenyPolicyForm({ onDone, onCancel }: { onDone: () => void; onCancel: () => void }) {
  const { api } = usePortal();
  const [formError, setFormError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const form = useForm<DenyValues>({ initialValues: NEW_DENY, validate: denyErrors });
  const v = form.values;
  const field = (name: keyof DenyValues) => form.getInputProps(name);

  const save = async (values: DenyValues) => {
    setSaving(true);
    setFormError(undefined);
    try {
      const created = await api<DenyPolicy>('POST', DENY_POLICIES, { body: denyFromValues(values) });
      notifications.show({
        color: 'green',
        message: `Deny policy for ${DENY_TYPE_LABELS[created.conditionType]} ${describeDenyValue(created)} created.`,
      });
      onDone();
    } catch (err) {
      const message = messageOf(err);
      const target = denyFieldOf(values.conditionType, message);
      if (target) form.setFieldError(target, message.replace(/^conditionValue(\.\w+)?:?\s*/, ''));
      else setFormError(message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form noValidate onSubmit={form.onSubmit((values) => void save(values))}>
      <Stack>
        <FormError title="Not created" error={formError} />
        <NativeSelect
          label="Condition type"
          data={DENY_TYPES.map((value) => ({ value, label: DENY_TYPE_LABELS[value] }))}
          {...field('conditionType')}
        />
        {v.conditionType === 'API' && (
          <TextInput
            label="API context"
            description="The context with its version, as gateways serve it"
            placeholder="/pizza/1.0.0"

            {...field('apiContext')}
          />
        )}
        {v.conditionType === 'APPLICATION' && (
          <Group grow align="flex-start" wrap="wrap" preventGrowOverflow={false}>
            <TextInput label="Application owner" miw={160} {...field('applicationOwner')} />
            <TextInput label="Application name" miw={160} {...field('applicationName')} />
          </Group>
        )}
        {v.conditionType === 'USER' && <TextInput label="Username" {...field('username')} />}
        {v.conditionType === 'IP' && (
          <TextInput label="IP address" placeholder="203.0.113.7" {...field('fixedIp')} />
        )}
        {v.conditionType === 'IPRANGE' && (
          <Group grow align="flex-start" wrap="wrap" preventGrowOverflow={false}>
            <TextInput
              label="Starting IP"
              placeholder="203.0.113.0"

              miw={160}
              {...field('startingIp')}
            />
            <TextInput
              label="Ending IP"
              placeholder="203.0.113.255"

              miw={160}
              {...field('endingIp')}
            />
          </Group>
        )}
        {(v.conditionType === 'IP' || v.conditionType === 'IPRANGE') && (
          <Checkbox
            label="Invert: deny every address except these"
            {...form.getInputProps('invert', { type: 'checkbox' })}
          />
        )}
        <Switch label="Enabled" {...form.getInputProps('conditionStatus', { type: 'checkbox' })} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={saving}>
            Create deny policy
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
