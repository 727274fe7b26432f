/**
 * The fields every throttling policy has: its name (fixed once created), display name and description, and
 * its default limit.
 */
import { Fieldset, Stack, TextInput, Textarea } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import type { ReactNode } from 'react';
import type { PolicyValues } from '../lib/policy-values';
import { LimitFields } from './limit-fields';

export interface BasicValues {
  policyName: string;
  displayName: string;
  description: string;
}

const NAME_PATTERN = /^[A-Za-z0-9_.-]+$/;

export function basicErrors(values: BasicValues, errors: Record<string, string>): void {
  if (!values.policyName) errors.policyName = 'Enter a name';
  else if (values.policyName.length > 60) errors.policyName = 'At most 60 characters';
  else if (!NAME_PATTERN.test(values.policyName))
    errors.policyName = 'Letters, digits, ".", "_" and "-" only';
  if (values.displayName.length > 512) errors.displayName = 'At most 512 characters';
  if (values.description.length > 1024) errors.description = 'At most 1024 characters';
}

function PolicyBasics<V extends BasicValues>({
  form,
  editing,
}: {
  form: UseFormReturnType<V>;
  editing: boolean;
}) {
  return (
    <Stack gap="sm">
      <TextInput
        label="Name"
        description={
          editing
            ? 'APIs and subscriptions refer to a policy by its name: it cannot change.'
            : 'Letters, digits, ".", "_" and "-"'
        }

        disabled={editing}
        {...form.getInputProps('policyName')}
      />
      <TextInput label="Display name" {...form.getInputProps('displayName')} />
      <Textarea label="Description" autosize minRows={2} {...form.getInputProps('description')} />
    </Stack>
  );
}

/** The basics, then the default limit; `children` follow the limit inside its fieldset. */
export function PolicyBasicsAndLimit<V extends PolicyValues>({
  form,
  children,
}: {
  form: UseFormReturnType<V>;
  children?: ReactNode;
}) {
  return (
    <>
      <PolicyBasics form={form} editing={Boolean(form.getInitialValues().policyName)} />
      <Fieldset legend="Default limit" p={{ base: 'xs', sm: 'md' }}>
        <Stack gap="sm">
          <LimitFields form={form} path="defaultLimit" value={form.values.defaultLimit} />
          {children}
        </Stack>
      </Fieldset>
    </>
  );
}
