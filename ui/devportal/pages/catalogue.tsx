/**
 * The catalogue: every API the visitor may see (anyone may browse; a signed-in developer may see more),
 * searched by name, description, context or tag, and filtered by tag chips.
 */
import { Anchor, Chip, Group, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { Link } from 'wouter';
import { usePortal, useUser } from '../../shared/portal-context';
import { Empty, QueryView } from '../../shared/states';
import { useQuery } from '../../shared/use-query';
import { ApiCard } from '../components/api-card';
import { DEVPORTAL } from '../lib/paths';
import type { Page, PortalApiInfo } from '../lib/wire';

function matchesSearch(api: PortalApiInfo, words: string[]): boolean {
  const text = [api.name, api.description ?? '', api.context, api.provider, ...api.tags]
    .join(' ')
    .toLowerCase();
  return words.every((word) => text.includes(word));
}

export function CataloguePage() {
  const { api, session } = usePortal();
  const user = useUser();
  const query = useQuery(
    () => api<Page<PortalApiInfo>>('GET', `${DEVPORTAL}/apis`, { query: { limit: 1000 } }),
    // A signed-in developer may see more APIs than a visitor.
    [api, user?.username],
  );
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 150);
  const [tags, setTags] = useState<string[]>([]);

  const allTags = useMemo(
    () => [...new Set((query.data?.list ?? []).flatMap((a) => a.tags))].sort((a, b) => a.localeCompare(b)),
    [query.data],
  );

  return (
    <Stack>
      <Title order={2}>APIs</Title>
      {!user && (
        <Text size="sm">
          Browse freely; to subscribe and get keys,{' '}
          <Anchor component="button" type="button" onClick={() => void session.signIn()}>
            sign in
          </Anchor>{' '}
          or{' '}
          <Anchor component={Link} href="/sign-up">
            create an account
          </Anchor>
          .
        </Text>
      )}
      <TextInput
        label="Search APIs"
        placeholder="Name, description, context or tag"
        leftSection={<IconSearch size={16} aria-hidden="true" />}
        value={search}
        onChange={(event) => setSearch(event.currentTarget.value)}
        maw={520}
      />
      {allTags.length > 0 && (
        <Group gap="xs" role="group" aria-label="Filter by tag">
          <Chip.Group multiple value={tags} onChange={setTags}>
            {allTags.map((tag) => (
              <Chip key={tag} value={tag} size="sm">
                {tag}
              </Chip>
            ))}
          </Chip.Group>
        </Group>
      )}
      <QueryView query={query}>
        {(page) => {
          const words = debounced.toLowerCase().split(/\s+/).filter(Boolean);
          const shown = page.list.filter(
            (a) => matchesSearch(a, words) && tags.every((tag) => a.tags.includes(tag)),
          );
          if (page.list.length === 0)
            return (
              <Empty title="No APIs yet">
                {user ? 'Nothing is published yet.' : 'Nothing is public yet: sign in to see more.'}
              </Empty>
            );
          if (shown.length === 0)
            return <Empty title="No API matches">Try other words, or clear the tag filters.</Empty>;
          return (
            <Stack gap="xs">
              <Text size="sm" c="dimmed" aria-live="polite">
                {shown.length === 1 ? '1 API' : `${shown.length} APIs`}
              </Text>
              <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
                {shown.map((a) => (
                  <ApiCard key={a.id} api={a} />
                ))}
              </SimpleGrid>
            </Stack>
          );
        }}
      </QueryView>
    </Stack>
  );
}
