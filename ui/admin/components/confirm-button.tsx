/**
 * A button that asks before it acts (deleting, disabling). The question names the thing; the confirming
 * button repeats the action's word, so a keyboard user knows what Enter will do.
 */
import { ActionIcon, Button, Text, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useState, type ReactNode } from 'react';
import { messageOf } from '../../shared/api';
import { ConfirmDialog } from '../../shared/confirm-dialog';

export interface ConfirmButtonProps {
  /** The accessible name of the trigger, e.g. `Delete policy Gold`. */
  label: string;
  /** The confirming button's text, e.g. `Delete`. */
  action: string;
  title: string;
  children: ReactNode;
  onConfirm: () => Promise<void>;
  /** What to announce once done. */
  success: string;
  icon?: ReactNode;
  color?: string;
  disabled?: boolean;
}

export function ConfirmButton({
  label,
  action,
  title,
  children,
  onConfirm,
  success,
  icon,
  color = 'red',
  disabled,
}: ConfirmButtonProps) {
  const [opened, { open, close }] = useDisclosure();
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    try {
      await onConfirm();
      notifications.show({ color: 'green', message: success });
      close();
    } catch (err) {
      notifications.show({ color: 'red', title: `${action} failed`, message: messageOf(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      {icon ? (
        <Tooltip label={label}>
          <ActionIcon variant="subtle" color={color} aria-label={label} onClick={open} disabled={disabled}>
            {icon}
          </ActionIcon>
        </Tooltip>
      ) : (
        <Button variant="light" color={color} size="xs" aria-label={label} onClick={open} disabled={disabled}>
          {action}
        </Button>
      )}
      <ConfirmDialog
        opened={opened}
        onClose={close}
        title={title}
        action={action}
        busy={busy}
        color={color}
        onConfirm={() => void confirm()}
      >
        <Text size="sm" component="div">
          {children}
        </Text>
      </ConfirmDialog>
    </>
  );
}
