/** The Admin portal's start: each section, what it is for, and how many things it holds. */
import { Card, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { Link } from 'wouter';
import type { Api } from '../../shared/api';
import { usePortal, useUser } from '../../shared/portal-context';
import { useQuery } from '../../shared/use-query';
import { usersUrl } from '../lib/key-manager';
import { DENY_POLICIES, environmentPath, policyPath } from '../lib/paths';

interface Section {
  title: string;
  href: string;
  description: string;
  /** Needed to see the section (any of them). */
  scopes: string[];
  /** The URL whose `count` the card shows. */
  countUrl: (settings: Parameters<typeof usersUrl>[0]) => string;
}

const SECTIONS: Section[] = [
  {
    title: 'Subscription policies',
    href: '/policies/subscription',
    description: 'The tiers APIs offer; each subscription is held to one.',
    scopes: ['apim:admin', 'apim:tier_view'],
    countUrl: () => policyPath('subscription'),
  },
  {
    title: 'Application policies',
    href: '/policies/application',
    description: 'The quota an application shares across all its APIs.',
    scopes: ['apim:admin', 'apim:tier_view'],
    countUrl: () => policyPath('application'),
  },
  {
    title: 'Advanced policies',
    href: '/policies/advanced',
    description: 'Limits on an API or operation, with conditional groups.',
    scopes: ['apim:admin', 'apim:tier_view'],
    countUrl: () => policyPath('advanced'),
  },
  {
    title: 'Deny policies',
    href: '/deny-policies',
    description: 'Requests gateways refuse: by API, application, user or IP.',
    scopes: ['apim:admin', 'apim:bl_view'],
    countUrl: () => DENY_POLICIES,
  },
  {
    title: 'Gateway environments',
    href: '/environments',
    description: 'Where APIs are deployed, and their virtual hosts.',
    scopes: ['apim:admin'],
    countUrl: () => environmentPath(),
  },
  {
    title: 'Users',
    href: '/users',
    description: 'Who may sign in, and with which roles.',
    scopes: ['apim:admin'],
    countUrl: usersUrl,
  },
];

function Count({ api, url }: { api: Api; url: string }) {
  const query = useQuery(() => api<{ count: number }>('GET', url), [api, url]);
  return (
    <Text size="xl" fw={700} aria-live="polite">
      {query.data ? query.data.count : query.error ? '—' : '…'}
    </Text>
  );
}

export function OverviewPage() {
  const { api, settings } = usePortal();
  const user = useUser();
  const visible = SECTIONS.filter((s) => s.scopes.some((scope) => user?.scopes.has(scope)));
  return (
    <Stack>
      <Title order={2}>Overview</Title>
      {visible.length === 0 && (
        <Text>
          Your roles grant none of the Admin portal&apos;s sections; an administrator can change them.
        </Text>
      )}
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
        {visible.map((section) => (
          <Card key={section.href} withBorder component={Link} href={section.href}>
            <Stack gap={4}>
              <Text fw={600}>{section.title}</Text>
              <Count api={api} url={section.countUrl(settings)} />
              <Text size="sm" c="dimmed">
                {section.description}
              </Text>
            </Stack>
          </Card>
        ))}
      </SimpleGrid>
    </Stack>
  );
}
