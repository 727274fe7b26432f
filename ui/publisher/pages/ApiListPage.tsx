/** The APIs: search (the list's `query`: words or attribute:value terms), status, paging, and "Create API". */
import { Anchor, Group, Pagination, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'wouter';
import type { ApiInfo } from '../../../src/publisher/apis/api-schemas';
import type { Page } from '../../../src/platform/pagination';
import { useApi } from '../../shared/portal-context';
import { Empty, ErrorMessage, Loading } from '../../shared/states';
import { DataTable } from '../../shared/data-table';
import { useQuery } from '../../shared/use-query';
import { formatTime } from '../components/format-time';
import { CreateApiMenu } from '../components/CreateApiMenu';
import { StatusBadge } from '../components/StatusBadge';
import { usePermissions } from '../permissions';
import { PUBLISHER } from '../rest';

const PAGE_SIZE = 20;

function ApiTable({ apis }: { apis: ApiInfo[] }) {
  return (
    <DataTable
      minWidth={720}
      columns={['Name', 'Status', 'Version', 'Context', 'Provider', 'Updated']}
      striped
      highlightOnHover
    >
      {apis.map((api) => (
        <Table.Tr key={api.id}>
          <Table.Td>
            <Anchor component={Link} href={`/apis/${api.id}`} fw={500}>
              {api.name}
            </Anchor>
          </Table.Td>
          <Table.Td>
            <StatusBadge status={api.lifeCycleStatus} />
          </Table.Td>
          <Table.Td>{api.version}</Table.Td>
          <Table.Td>
            <Text ff="monospace" size="sm">
              {api.context}
            </Text>
          </Table.Td>
          <Table.Td>{api.provider}</Table.Td>
          <Table.Td>{formatTime(api.updatedTime)}</Table.Td>
        </Table.Tr>
      ))}
    </DataTable>
  );
}

export function ApiListPage() {
  const api = useApi();
  const permissions = usePermissions();
  const [params, setParams] = useSearchParams();
  const query = params.get('query') ?? '';
  const page = Math.max(1, Number(params.get('page')) || 1);
  const [text, setText] = useState(query);
  const [debounced] = useDebouncedValue(text.trim(), 300);
  useEffect(() => {
    if (debounced !== query) setParams(debounced ? { query: debounced } : {}, { replace: true });
  }, [debounced, query, setParams]);

  const list = useQuery(
    () =>
      api<Page<ApiInfo>>('GET', `${PUBLISHER}/apis`, {
        query: { query, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
      }),
    [api, query, page],
  );
  const total = list.data?.pagination.total ?? 0;
  const pages = Math.ceil(total / PAGE_SIZE);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>APIs</Title>
        <CreateApiMenu />
      </Group>
      <TextInput
        label="Search APIs"
        description="Words match the name; or use name:, context:, tag:, status:, version:, provider: (status:PUBLISHED)."
        leftSection={<IconSearch size={16} aria-hidden="true" />}
        value={text}
        onChange={(event) => setText(event.currentTarget.value)}
        error={query && list.error ? list.error : undefined}
        type="search"
      />
      {list.error && !query ? (
        <ErrorMessage error={list.error} />
      ) : list.loading && !list.data ? (
        <Loading />
      ) : !list.data || list.data.count === 0 ? (
        query ? (
          <Empty title="No API matches this search">Try other words, or clear the search.</Empty>
        ) : (
          <Empty title="No APIs yet">
            {permissions.create
              ? 'Use “Create API” to start from scratch or to import an OpenAPI definition.'
              : 'APIs that creators make appear here.'}
          </Empty>
        )
      ) : (
        <>
          <ApiTable apis={list.data.list} />
          <Group justify="space-between">
            <Text size="sm" c="dimmed">
              {total === 1 ? '1 API' : `${total} APIs`}
            </Text>
            {pages > 1 && (
              <Pagination
                total={pages}
                value={page}
                onChange={(next) => setParams(query ? { query, page: String(next) } : { page: String(next) })}
                getControlProps={(control) => ({ 'aria-label': `${control} page` })}
                getItemProps={(n) => ({ 'aria-label': `Page ${n}` })}
              />
            )}
          </Group>
        </>
      )}
    </Stack>
  );
}
