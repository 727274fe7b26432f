import { Paper, Stack, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/** A titled chart: a section named for assistive technology by its title. */
export function ChartCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" component="section" aria-label={title}>
      <Stack gap="sm">
        <Title order={3} size="h5">
          {title}
        </Title>
        {children}
      </Stack>
    </Paper>
  );
}
