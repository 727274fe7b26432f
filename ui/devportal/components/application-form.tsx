/** An application's name, throttling tier and description: the create and the edit form. */
import { Button, Group, Select, Stack, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect, useState } from 'react';
import { ApiError, messageOf } from '../../shared/api';
import { policyOption } from '../lib/policies';
import { usePolicies } from '../lib/use-policies';
import type { Application } from '../lib/wire';
import { FormError } from '../../shared/states';

export interface ApplicationValues {
  name: string;
  throttlingPolicy: string;
  description: string;
}

export interface ApplicationFormProps {
  initial?: Application;
  submitLabel: string;
  onSubmit: (values: ApplicationValues) => Promise<void>;
  onCancel?: () => void;
}

export function ApplicationForm({ initial, submitLabel, onSubmit, onCancel }: ApplicationFormProps) {
  const policies = usePolicies('application');
  const [formError, setFormError] = useState<string>();
  const form = useForm<ApplicationValues>({
    mode: 'controlled',
    initialValues: {
      name: initial?.name ?? '',
      throttlingPolicy: initial?.throttlingPolicy ?? '',
      description: initial?.description ?? '',
    },
    validate: {
      name: (v) => (!v.trim() ? 'A name is required.' : v.length > 100 ? 'At most 100 characters.' : null),
      throttlingPolicy: (v) => (v ? null : 'Choose a throttling tier.'),
      description: (v) => (v.length > 512 ? 'At most 512 characters.' : null),
    },
  });
  // Unlimited (or the first policy) by default, once they are in, as WSO2's portal suggests one.
  const loaded = policies.data;
  useEffect(() => {
    if (initial || !loaded?.[0] || form.getValues().throttlingPolicy) return;
    form.setFieldValue('throttlingPolicy', (loaded.find((p) => p.name === 'Unlimited') ?? loaded[0]).name);
  }, [loaded]);

  const submit = form.onSubmit(async (values) => {
    setFormError(undefined);
    try {
      await onSubmit(values);
    } catch (err) {
      const fields = err instanceof ApiError ? err.fieldErrors : {};
      const message = messageOf(err);
      let placed = false;
      for (const field of ['name', 'throttlingPolicy', 'description'] as const) {
        if (fields[field]) {
          form.setFieldError(field, fields[field]);
          placed = true;
        }
      }
      if (!placed && /^throttlingPolicy/.test(message)) form.setFieldError('throttlingPolicy', message);
      else if (!placed && err instanceof ApiError && err.status === 409) form.setFieldError('name', message);
      else if (!placed) setFormError(message);
    }
  });

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <FormError title="Not saved" error={formError} />
        <TextInput label="Name" required maxLength={100} {...form.getInputProps('name')} />
        <Select
          label="Throttling tier"
          description="Requests all of this application's tokens may make together."
          required
          allowDeselect={false}
          placeholder={policies.loading ? 'Loading…' : undefined}
          data={(policies.data ?? []).map((p) => policyOption(p.name, policies.data))}
          {...form.getInputProps('throttlingPolicy')}
          error={form.errors.throttlingPolicy ?? policies.error}
        />
        <Textarea
          label="Description"
          autosize
          minRows={2}
          maxRows={6}
          {...form.getInputProps('description')}
        />
        <Group justify="flex-end">
          {onCancel && (
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
          )}
          <Button type="submit" loading={form.submitting}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
