/** The API's revisions: when made, why, where deployed; a revision deployed nowhere can be deleted. */
import { ActionIcon, Badge, Group, Table } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import type { Revision } from '../../../../src/publisher/apis/revision-schemas';
import { formatTime } from '../format-time';
import { DataTable } from '../../../shared/data-table';

export const revisionName = (revision: Revision | undefined) => revision?.displayName ?? revision?.id ?? '';

export function RevisionTable({
  revisions,
  canEdit,
  onDelete,
  busy,
}: {
  revisions: Revision[];
  canEdit: boolean;
  onDelete: (revision: Revision) => void;
  busy: string | undefined;
}) {
  return (
    <DataTable
      minWidth={620}
      columns={['Revision', 'Created', 'Description', 'Deployed to', canEdit && { header: null, w: 50 }]}
      aria-label="Revisions"
    >
      {revisions.map((revision) => {
        const deployed = revision.deploymentInfo ?? [];
        return (
          <Table.Tr key={revision.id}>
            <Table.Td fw={500}>{revisionName(revision)}</Table.Td>
            <Table.Td>{formatTime(revision.createdTime)}</Table.Td>
            <Table.Td>{revision.description || '—'}</Table.Td>
            <Table.Td>
              <Group gap={4}>
                {deployed.length === 0
                  ? '—'
                  : deployed.map((d) => (
                      <Badge key={d.name} color="green" variant="light">
                        {d.name}
                      </Badge>
                    ))}
              </Group>
            </Table.Td>
            {canEdit && (
              <Table.Td>
                <ActionIcon
                  variant="subtle"
                  color="red"
                  aria-label={`Delete ${revisionName(revision)}`}
                  title={deployed.length ? 'Undeploy it first' : undefined}
                  disabled={deployed.length > 0 || busy !== undefined}
                  onClick={() => onDelete(revision)}
                >
                  <IconTrash size={16} aria-hidden="true" />
                </ActionIcon>
              </Table.Td>
            )}
          </Table.Tr>
        );
      })}
    </DataTable>
  );
}
