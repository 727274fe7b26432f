/** One API in the catalogue: a card linking to its page. */
import { Anchor, Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import { Link } from 'wouter';
import type { PortalApiInfo } from '../lib/wire';

export function ApiCard({ api }: { api: PortalApiInfo }) {
  return (
    <Card withBorder padding="md" radius="md" component="article" aria-label={`${api.name} ${api.version}`}>
      <Stack gap="xs" h="100%">
        <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs">
          <Title order={3} size="h5" style={{ overflowWrap: 'anywhere' }}>
            <Anchor component={Link} href={`/apis/${api.id}`} inherit>
              {api.name}
            </Anchor>
          </Title>
          <Badge variant="light" style={{ flexShrink: 0 }}>
            {api.version}
          </Badge>
        </Group>
        <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
          {api.context} · by {api.provider}
          {api.lifeCycleStatus !== 'PUBLISHED' && ` · ${api.lifeCycleStatus.toLowerCase()}`}
        </Text>
        <Text size="sm" lineClamp={3} style={{ flexGrow: 1 }}>
          {api.description || 'No description.'}
        </Text>
        {api.tags.length > 0 && (
          <Group gap={4} aria-label="Tags">
            {api.tags.map((tag) => (
              <Badge key={tag} size="sm" variant="outline" color="gray">
                {tag}
              </Badge>
            ))}
          </Group>
        )}
      </Stack>
    </Card>
  );
}
