/**
 * The Key Manager's users: list, create, change roles, reset a password, disable or enable, delete. The
 * Key Manager may be another origin than this portal (see lib/key-manager.ts).
 */
import { ActionIcon, Badge, Button, Group, Modal, Table, Text, Tooltip } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { IconKey, IconLock, IconLockOpen, IconPlus, IconTrash, IconUserCog } from '@tabler/icons-react';
import { useState } from 'react';
import type { User, UserList } from '../../../src/key-manager/routes/users-routes';
import { usePortal, useUser } from '../../shared/portal-context';
import { Empty, ErrorMessage, QueryView } from '../../shared/states';
import { DataTable } from '../../shared/data-table';
import { useQuery } from '../../shared/use-query';
import { ConfirmButton } from '../components/confirm-button';
import { PageHeader } from '../components/page-header';
import { UserCreateForm } from '../components/user-create-form';
import { UserPasswordForm, UserRolesForm } from '../components/user-change-forms';
import { usersUrl } from '../lib/key-manager';

type Dialog = { kind: 'roles' | 'password'; user: User } | undefined;

export function UsersPage() {
  const { api, settings } = usePortal();
  const me = useUser();
  const [creating, { open: openCreate, close: closeCreate }] = useDisclosure();
  const [dialog, setDialog] = useState<Dialog>();
  const phone = useMediaQuery('(max-width: 36em)');
  const query = useQuery(() => api<UserList>('GET', usersUrl(settings)), [api, settings]);
  const done = () => {
    closeCreate();
    setDialog(undefined);
    query.reload();
  };
  const setDisabled = async (user: User, disabled: boolean) => {
    await api('PATCH', usersUrl(settings, user.username), { body: { disabled } });
    query.reload();
  };
  return (
    <>
      <PageHeader
        title="Users"
        description="Who may sign in, and with which roles. Roles decide which portals and APIs a user may manage."
        action={
          <Button leftSection={<IconPlus size={16} />} onClick={openCreate}>
            New user
          </Button>
        }
      />
      {query.error && query.data && <ErrorMessage error={query.error} />}
      <QueryView query={query}>
        {({ list }) =>
          list.length === 0 ? (
            <Empty title="No users" />
          ) : (
            <DataTable
              minWidth={620}
              columns={['Username', 'Roles', 'Status', 'Created', 'Actions']}
              striped
              verticalSpacing="sm"
              aria-label="Users"
            >
              {list.map((user) => {
                const self = user.username === me?.username;
                return (
                  <Table.Tr key={user.id}>
                    <Table.Td>
                      <Text fw={500}>{user.username}</Text>
                      {self && (
                        <Text size="xs" c="dimmed">
                          You
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {user.roles.length === 0 ? (
                          <Text size="sm" c="dimmed">
                            None
                          </Text>
                        ) : (
                          user.roles.map((role) => (
                            <Badge key={role} variant="light">
                              {role}
                            </Badge>
                          ))
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      {user.disabled ? (
                        <Badge color="red" variant="light">
                          Disabled
                        </Badge>
                      ) : (
                        <Badge color="green" variant="light">
                          Active
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{new Date(user.createdTime).toLocaleDateString()}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <Tooltip label="Change roles">
                          <ActionIcon
                            variant="subtle"
                            aria-label={`Change roles of ${user.username}`}
                            onClick={() => setDialog({ kind: 'roles', user })}
                          >
                            <IconUserCog size={16} />
                          </ActionIcon>
                        </Tooltip>
                        <Tooltip label="Reset password">
                          <ActionIcon
                            variant="subtle"
                            aria-label={`Reset password of ${user.username}`}
                            onClick={() => setDialog({ kind: 'password', user })}
                          >
                            <IconKey size={16} />
                          </ActionIcon>
                        </Tooltip>
                        {user.disabled ? (
                          <ConfirmButton
                            label={`Enable user ${user.username}`}
                            action="Enable"
                            title={`Enable ${user.username}?`}
                            color="green"
                            icon={<IconLockOpen size={16} />}
                            success={`${user.username} enabled.`}
                            onConfirm={() => setDisabled(user, false)}
                          >
                            {user.username} can sign in again.
                          </ConfirmButton>
                        ) : (
                          <ConfirmButton
                            label={`Disable user ${user.username}`}
                            action="Disable"
                            title={`Disable ${user.username}?`}
                            color="orange"
                            icon={<IconLock size={16} />}
                            success={`${user.username} disabled.`}
                            disabled={self}
                            onConfirm={() => setDisabled(user, true)}
                          >
                            {user.username} can no longer sign in, and their tokens are revoked at once.
                          </ConfirmButton>
                        )}
                        <ConfirmButton
                          label={`Delete user ${user.username}`}
                          action="Delete"
                          title={`Delete ${user.username}?`}
                          icon={<IconTrash size={16} />}
                          success={`${user.username} deleted.`}
                          disabled={self}
                          onConfirm={async () => {
                            await api('DELETE', usersUrl(settings, user.username));
                            query.reload();
                          }}
                        >
                          Their tokens and OAuth clients are removed, and the name &quot;{user.username}
                          &quot; can never be used again (what belonged to it must not pass to a new user).
                        </ConfirmButton>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </DataTable>
          )
        }
      </QueryView>
      <Modal opened={creating} onClose={closeCreate} title="New user" fullScreen={phone}>
        {creating && <UserCreateForm onDone={done} onCancel={closeCreate} />}
      </Modal>
      <Modal
        opened={dialog !== undefined}
        onClose={() => setDialog(undefined)}
        title={
          dialog?.kind === 'roles'
            ? `Roles of ${dialog.user.username}`
            : dialog
              ? `New password for ${dialog.user.username}`
              : ''
        }
        fullScreen={phone}
      >
        {dialog?.kind === 'roles' && (
          <UserRolesForm user={dialog.user} onDone={done} onCancel={() => setDialog(undefined)} />
        )}
        {dialog?.kind === 'password' && (
          <UserPasswordForm user={dialog.user} onDone={done} onCancel={() => setDialog(undefined)} />
        )}
      </Modal>
    </>
  );
}
