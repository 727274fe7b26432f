/**
 * Credentials the server shows only once (a consumer secret, an access token): each with a copy button, and a
 * clear warning. It closes only on purpose (no click outside), so the secret is not lost by accident.
 */
import { Alert, Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { CopyValue } from '../copy-value';

export interface ShownValue {
  label: string;
  value: string;
  /** Only shown once (a secret or token): part of the warning. */
  secret?: boolean;
}

export function CopyField({ label, value }: { label: string; value: string }) {
  return (
    <TextInput
      label={label}
      value={value}
      readOnly
      onFocus={(e) => e.currentTarget.select()}
      styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
      rightSection={<CopyValue value={value} label={label.toLowerCase()} />}
    />
  );
}

export interface ShownOnceModalProps {
  title: string;
  values: ShownValue[] | undefined;
  onClose: () => void;
}

export function ShownOnceModal({ title, values, onClose }: ShownOnceModalProps) {
  const secrets = (values ?? []).filter((v) => v.secret).map((v) => v.label.toLowerCase());
  return (
    <Modal
      opened={values !== undefined}
      onClose={onClose}
      title={title}
      size="lg"
      closeOnClickOutside={false}
      closeOnEscape={false}
    >
      <Stack>
        {secrets.length > 0 && (
          <Alert color="orange" icon={<IconAlertTriangle size={18} />} title="Copy it now" role="alert">
            This is the only time the {secrets.join(' and the ')} {secrets.length > 1 ? 'are' : 'is'} shown:
            the portal keeps no copy. Store {secrets.length > 1 ? 'them' : 'it'} somewhere safe before
            closing.
          </Alert>
        )}
        {(values ?? []).map((v) => (
          <CopyField key={v.label} label={v.label} value={v.value} />
        ))}
        <Group justify="flex-end">
          <Button onClick={onClose}>I have copied it</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
