/** Generating an application's PRODUCTION or SANDBOX keys: grant types, callback URL, token validity. */
import { Button, Group, MultiSelect, NumberInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { ApiError, messageOf } from '../../../shared/api';
import type { KeyGenerateRequest, KeyType } from '../../lib/wire';
import { FormError } from '../../../shared/states';

const GRANT_TYPES = [
  { value: 'client_credentials', label: 'Client credentials' },
  { value: 'password', label: 'Password' },
  { value: 'refresh_token', label: 'Refresh token' },
  { value: 'authorization_code', label: 'Authorization code' },
];

interface Values {
  grantTypes: string[];
  callbackUrl: string;
  validity: number | string;
}

export function GenerateKeysForm({
  keyType,
  onGenerate,
}: {
  keyType: KeyType;
  onGenerate: (request: KeyGenerateRequest) => Promise<void>;
}) {
  const [formError, setFormError] = useState<string>();
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: { grantTypes: ['client_credentials'], callbackUrl: '', validity: 3600 },
    validate: {
      grantTypes: (v) => (v.length > 0 ? null : 'Choose at least one grant type.'),
      callbackUrl: (v, values) => {
        if (!values.grantTypes.includes('authorization_code')) return null;
        if (!v) return 'The authorization code grant needs a callback URL.';
        try {
          new URL(v);
          return null;
        } catch {
          return 'Not a URL.';
        }
      },
      validity: (v) => (Number(v) >= 60 ? null : 'At least 60 seconds.'),
    },
  });

  const submit = form.onSubmit(async (values) => {
    setFormError(undefined);
    try {
      await onGenerate({
        keyType,
        keyManager: 'Resident Key Manager',
        grantTypesToBeSupported: values.grantTypes,
        ...(values.callbackUrl ? { callbackUrl: values.callbackUrl } : {}),
        validityTime: Number(values.validity),
      });
    } catch (err) {
      const fields = err instanceof ApiError ? err.fieldErrors : {};
      if (fields.grantTypesToBeSupported) form.setFieldError('grantTypes', fields.grantTypesToBeSupported);
      else if (fields.callbackUrl) form.setFieldError('callbackUrl', fields.callbackUrl);
      else setFormError(messageOf(err));
    }
  });

  return (
    <form onSubmit={submit} noValidate aria-label={`Generate ${keyType.toLowerCase()} keys`}>
      <Stack gap="sm" maw={560}>
        <Text size="sm">
          This application has no {keyType.toLowerCase()} keys yet. Its keys are an OAuth2 client at the Key
          Manager: a consumer key and a consumer secret your software gets tokens with.
        </Text>
        <FormError title="No keys" error={formError} />
        <MultiSelect label="Grant types" data={GRANT_TYPES} {...form.getInputProps('grantTypes')} />
        {form.values.grantTypes.includes('authorization_code') && (
          <TextInput
            label="Callback URL"
            placeholder="https://app.example.com/callback"
            {...form.getInputProps('callbackUrl')}
          />
        )}
        <NumberInput
          label="Access token validity (seconds)"
          min={60}
          step={60}
          {...form.getInputProps('validity')}
        />
        <Group>
          <Button type="submit" loading={form.submitting}>
            Generate keys
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
