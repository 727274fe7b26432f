/** The loading, empty and error states every page shows the same way. */
import { Alert, Center, Loader, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import type { Query } from './use-query';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <Center py="xl" aria-busy="true">
      <Stack align="center" gap="xs">
        <Loader size="sm" aria-hidden="true" />
        <Text size="sm" c="dimmed">
          {label}
        </Text>
      </Stack>
    </Center>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <Center py="xl">
      <Stack align="center" gap="xs" maw={420} ta="center">
        <Text fw={600}>{title}</Text>
        {children && (
          <Text size="sm" c="dimmed" component="div">
            {children}
          </Text>
        )}
      </Stack>
    </Center>
  );
}

export function ErrorMessage({ error, title = 'Something went wrong' }: { error: string; title?: string }) {
  return (
    <Alert color="red" title={title} role="alert">
      {error}
    </Alert>
  );
}

/** The server's message about a form as a whole, above it; nothing while there is none. */
export function FormError({ error, title = 'Not saved' }: { error: string | undefined; title?: string }) {
  return error ? <ErrorMessage title={title} error={error} /> : null;
}

/** Renders a query: its loader, its error, or its data. */
export function QueryView<T>({ query, children }: { query: Query<T>; children: (data: T) => ReactNode }) {
  if (query.error && query.data === undefined) return <ErrorMessage error={query.error} />;
  if (query.data === undefined) return <Loading />;
  return <>{children(query.data)}</>;
}
