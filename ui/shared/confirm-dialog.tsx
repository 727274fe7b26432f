/**
 * The dialog that asks before an action (deleting, unsubscribing, regenerating): what happens, then Cancel
 * and the confirming button, which repeats the action's word so a keyboard user knows what Enter will do.
 */
import { Button, Group, Modal, Stack } from '@mantine/core';
import type { ReactNode } from 'react';

export interface ConfirmDialogProps {
  opened: boolean;
  onClose: () => void;
  title: string;
  /** The confirming button's text, e.g. `Delete`. */
  action: string;
  onConfirm: () => void;
  /** While the action runs: the confirming button spins. */
  busy?: boolean;
  color?: string;
  /** What the action does, and anything else to say (a failure, for one). */
  children: ReactNode;
}

export function ConfirmDialog({
  opened,
  onClose,
  title,
  action,
  onConfirm,
  busy = false,
  color = 'red',
  children,
}: ConfirmDialogProps) {
  return (
    <Modal opened={opened} onClose={onClose} title={title} centered>
      <Stack>
        {children}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color={color} loading={busy} onClick={onConfirm} data-autofocus>
            {action}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
