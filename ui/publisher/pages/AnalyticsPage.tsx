/** Request analytics across all APIs. */
import { Stack, Title } from '@mantine/core';
import { AnalyticsView } from '../../shared/analytics/lazy-analytics-view';
import { PUBLISHER } from '../rest';

export function AnalyticsPage() {
  return (
    <Stack>
      <Title order={2}>Analytics</Title>
      <AnalyticsView path={`${PUBLISHER}/analytics`} tops={['apis', 'applications']} />
    </Stack>
  );
}
