/** The busiest APIs and applications of the range, as horizontal bars. */
import { BarChart } from '@mantine/charts';
import { Text } from '@mantine/core';
import type { TopApi, TopApplication } from '../../../src/analytics/analytics-schemas';
import { ChartCard } from './chart-card';
import { count } from './format';

const topHeight = (rows: number) => Math.max(120, rows * 36 + 40);

function NoneYet({ children }: { children: string }) {
  return (
    <Text size="sm" c="dimmed">
      {children}
    </Text>
  );
}

export function TopApis({ apis }: { apis: readonly TopApi[] }) {
  const data = apis.map((api) => ({
    name: `${api.name} ${api.version}`,
    requests: api.requests,
    errors: api.errors,
  }));
  return (
    <ChartCard title="Top APIs">
      {data.length === 0 ? (
        <NoneYet>No API was called in this range.</NoneYet>
      ) : (
        <BarChart
          h={topHeight(data.length)}
          data={data}
          dataKey="name"
          orientation="vertical"
          type="stacked"
          yAxisProps={{ width: 140 }}
          series={[
            { name: 'requests', label: 'Requests', color: 'blue.6' },
            { name: 'errors', label: 'Errors', color: 'red.6' },
          ]}
          valueFormatter={count}
        />
      )}
    </ChartCard>
  );
}

/** `calledWhat` ends the empty notice: "No application called <calledWhat> in this range." */
export function TopApplications({
  applications,
  calledWhat,
}: {
  applications: readonly TopApplication[];
  calledWhat: string;
}) {
  const data = applications.map((app) => ({
    name: app.name ?? '(deleted application)',
    requests: app.requests,
    errors: app.errors,
    throttled: app.throttled,
  }));
  return (
    <ChartCard title="Top applications">
      {data.length === 0 ? (
        <NoneYet>{`No application called ${calledWhat} in this range.`}</NoneYet>
      ) : (
        <BarChart
          h={topHeight(data.length)}
          data={data}
          dataKey="name"
          orientation="vertical"
          yAxisProps={{ width: 140 }}
          series={[
            { name: 'requests', label: 'Requests', color: 'blue.6' },
            { name: 'errors', label: 'Errors', color: 'red.6' },
            { name: 'throttled', label: 'Throttled', color: 'orange.6' },
          ]}
          valueFormatter={count}
        />
      )}
    </ChartCard>
  );
}
