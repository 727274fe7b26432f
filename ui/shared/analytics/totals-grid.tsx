/** The range's totals: requests, errors, throttled, and latency percentiles. */
import { Paper, SimpleGrid, Text } from '@mantine/core';
import type { AnalyticsTotals } from '../../../src/analytics/analytics-schemas';
import { count, millis, percent } from './format';

function Stat({ label, value, detail }: { label: string; value: string; detail?: string }) {
  return (
    <Paper withBorder p="md" role="group" aria-label={label}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700}>
        {value}
      </Text>
      {detail && (
        <Text size="xs" c="dimmed">
          {detail}
        </Text>
      )}
    </Paper>
  );
}

export function TotalsGrid({ totals }: { totals: AnalyticsTotals }) {
  const { requests, errors, throttled, latency } = totals;
  return (
    <SimpleGrid cols={{ base: 2, md: 4 }}>
      <Stat label="Requests" value={count(requests)} />
      <Stat label="Errors" value={count(errors)} detail={`${percent(errors, requests)} of requests`} />
      <Stat
        label="Throttled"
        value={count(throttled)}
        detail={`${percent(throttled, requests)} of requests`}
      />
      <Stat
        label="Latency p95"
        value={millis(latency.p95)}
        detail={`p50 ${millis(latency.p50)} · p99 ${millis(latency.p99)}`}
      />
    </SimpleGrid>
  );
}
