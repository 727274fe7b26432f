/**
 * Request analytics over a range (1h, 24h, 7d, 30d), for the Publisher (one API, or all of them) and the
 * Developer Portal (one application): the range selector, then the charts of the loaded range.
 */
import { Group, SegmentedControl, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import type { Analytics, AnalyticsRange } from '../../../src/analytics/analytics-schemas';
import { useApi } from '../portal-context';
import { QueryView } from '../states';
import { useQuery } from '../use-query';
import { AnalyticsCharts, type TopList } from './analytics-charts';

const RANGES: { value: AnalyticsRange; label: string }[] = [
  { value: '1h', label: '1 hour' },
  { value: '24h', label: '24 hours' },
  { value: '7d', label: '7 days' },
  { value: '30d', label: '30 days' },
];

/** `path`: the analytics resource; `tops`: the top lists to show (see AnalyticsCharts). */
export function AnalyticsView({ path, tops }: { path: string; tops: readonly TopList[] }) {
  const call = useApi();
  const [range, setRange] = useState<AnalyticsRange>('24h');
  const analytics = useQuery(() => call<Analytics>('GET', path, { query: { range } }), [call, path, range]);
  return (
    <Stack>
      <Group justify="space-between" gap="xs">
        <Text size="sm" c="dimmed" aria-live="polite">
          {analytics.data && !analytics.loading
            ? `${new Date(analytics.data.from).toLocaleString()} – now`
            : 'Loading…'}
        </Text>
        <SegmentedControl
          aria-label="Time range"
          data={RANGES}
          value={range}
          onChange={(value) => setRange(value as AnalyticsRange)}
        />
      </Group>
      <QueryView query={analytics}>{(data) => <AnalyticsCharts data={data} tops={tops} />}</QueryView>
    </Stack>
  );
}
