/** Success and failure notices, the same everywhere in the Publisher. */
import { notifications } from '@mantine/notifications';
import { messageOf } from '../../shared/api';

export function notifySuccess(message: string): void {
  notifications.show({ color: 'green', title: 'Done', message });
}

export function notifyFailure(title: string, err: unknown): void {
  notifications.show({ color: 'red', title, message: messageOf(err), autoClose: 8000 });
}
