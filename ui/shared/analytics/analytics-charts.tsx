/** One range's analytics: totals, traffic and latency over time, responses by status, and the top lists. */
import { AreaChart, BarChart, LineChart } from '@mantine/charts';
import { SimpleGrid, Stack } from '@mantine/core';
import type { Analytics } from '../../../src/analytics/analytics-schemas';
import { Empty } from '../states';
import { ChartCard } from './chart-card';
import { count, millis, timeLabel } from './format';
import { TopApis, TopApplications } from './top-charts';
import { TotalsGrid } from './totals-grid';

/** Which top lists a view shows: an API's lists its applications, an application's its APIs. */
export type TopList = 'apis' | 'applications';

export function AnalyticsCharts({ data, tops }: { data: Analytics; tops: readonly TopList[] }) {
  const label = timeLabel(data.range);
  const series = data.series.map((point) => ({ ...point, label: label(point.time) }));
  const statuses = Object.entries(data.byStatusClass).map(([status, n]) => ({ status, requests: n }));
  const showApis = tops.includes('apis');

  return (
    <Stack>
      <TotalsGrid totals={data.totals} />
      {data.totals.requests === 0 && (
        <Empty title="No requests in this range">
          Calls through the gateway show up here within a minute.
        </Empty>
      )}
      <ChartCard title="Requests over time">
        <AreaChart
          h={260}
          data={series}
          dataKey="label"
          series={[
            { name: 'requests', label: 'Requests', color: 'blue.6' },
            { name: 'errors', label: 'Errors', color: 'red.6' },
            { name: 'throttled', label: 'Throttled', color: 'orange.6' },
          ]}
          curveType="monotone"
          withLegend
          withDots={false}
          valueFormatter={count}
        />
      </ChartCard>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <ChartCard title="Latency (p50, p95, p99)">
          <LineChart
            h={240}
            data={series}
            dataKey="label"
            series={[
              { name: 'p50', label: 'p50', color: 'teal.6' },
              { name: 'p95', label: 'p95', color: 'yellow.7' },
              { name: 'p99', label: 'p99', color: 'red.6' },
            ]}
            curveType="monotone"
            withLegend
            connectNulls
            valueFormatter={(value) => millis(value)}
          />
        </ChartCard>
        <ChartCard title="Responses by status">
          <BarChart
            h={240}
            data={statuses}
            dataKey="status"
            series={[{ name: 'requests', label: 'Requests', color: 'indigo.6' }]}
            valueFormatter={count}
          />
        </ChartCard>
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, lg: tops.length }}>
        {showApis && <TopApis apis={data.topApis} />}
        {tops.includes('applications') && (
          <TopApplications
            applications={data.topApplications}
            calledWhat={showApis ? 'the APIs' : 'this API'}
          />
        )}
      </SimpleGrid>
    </Stack>
  );
}
