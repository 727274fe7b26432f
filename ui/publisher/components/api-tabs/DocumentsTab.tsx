/** The API's documents: list, add (inline, Markdown or URL), delete. */
import { ActionIcon, Anchor, Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import type { Page } from '../../../../src/platform/pagination';
import type { Document } from '../../../../src/publisher/apis/document-schemas';
import { useApi } from '../../../shared/portal-context';
import { Empty, QueryView } from '../../../shared/states';
import { DataTable } from '../../../shared/data-table';
import { useQuery } from '../../../shared/use-query';
import { usePermissions } from '../../permissions';
import { apiPath } from '../../rest';
import { notifyFailure, notifySuccess } from '../notify';
import { AddDocumentModal, DOCUMENT_TYPES, DOCUMENT_VISIBILITY } from './AddDocumentModal';
import type { ApiTabProps } from './tab-props';

const labelOf = <T extends string>(options: { value: T; label: string }[], value: T) =>
  options.find((o) => o.value === value)?.label ?? value;

export function DocumentsTab({ api }: ApiTabProps) {
  const call = useApi();
  const canEdit = usePermissions().edit;
  const id = api.id ?? '';
  const documents = useQuery(
    () => call<Page<Document>>('GET', `${apiPath(id)}/documents`, { query: { limit: 100 } }),
    [call, id],
  );
  const [opened, { open, close }] = useDisclosure();
  const [busy, setBusy] = useState<string>();

  const remove = async (document: Document) => {
    setBusy(document.documentId);
    try {
      await call('DELETE', `${apiPath(id)}/documents/${document.documentId}`);
      notifySuccess(`Document ${document.name} deleted.`);
      documents.reload();
    } catch (err) {
      notifyFailure('The document was not deleted', err);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <Stack>
      {canEdit && (
        <Group justify="flex-end">
          <Button leftSection={<IconPlus size={16} aria-hidden="true" />} onClick={open}>
            Add document
          </Button>
        </Group>
      )}
      <QueryView query={documents}>
        {({ list }) =>
          list.length === 0 ? (
            <Empty title="No documents yet">How-tos, samples and links help developers use the API.</Empty>
          ) : (
            <DataTable
              minWidth={640}
              columns={['Name', 'Type', 'Source', 'Visibility', canEdit && { header: null, w: 50 }]}
              aria-label="Documents"
            >
              {list.map((document) => (
                <Table.Tr key={document.documentId}>
                  <Table.Td>
                    <Text fw={500} size="sm">
                      {document.name}
                    </Text>
                    {document.summary && (
                      <Text size="xs" c="dimmed" lineClamp={2}>
                        {document.summary}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {document.type === 'OTHER'
                      ? (document.otherTypeName ?? 'Other')
                      : labelOf(DOCUMENT_TYPES, document.type)}
                  </Table.Td>
                  <Table.Td>
                    {document.sourceType === 'URL' && document.sourceUrl ? (
                      <Anchor href={document.sourceUrl} target="_blank" rel="noopener noreferrer" size="sm">
                        Link
                      </Anchor>
                    ) : (
                      <Badge variant="light" color="gray">
                        {document.sourceType.toLowerCase()}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>{labelOf(DOCUMENT_VISIBILITY, document.visibility)}</Table.Td>
                  {canEdit && (
                    <Table.Td>
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        aria-label={`Delete document ${document.name}`}
                        loading={busy === document.documentId}
                        onClick={() => void remove(document)}
                      >
                        <IconTrash size={16} aria-hidden="true" />
                      </ActionIcon>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </DataTable>
          )
        }
      </QueryView>
      <AddDocumentModal apiId={id} opened={opened} onClose={close} onAdded={documents.reload} />
    </Stack>
  );
}
