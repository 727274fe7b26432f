import { Badge } from '@mantine/core';

const COLORS: Record<string, string> = {
  CREATED: 'gray',
  PROTOTYPED: 'violet',
  PUBLISHED: 'green',
  BLOCKED: 'red',
  DEPRECATED: 'orange',
  RETIRED: 'dark',
};

/** An API's lifecycle status (`PUBLISHED` → "Published"). */
export function StatusBadge({ status }: { status: string | undefined }) {
  const value = (status ?? 'CREATED').toUpperCase();
  return (
    <Badge color={COLORS[value] ?? 'gray'} variant="light">
      {value.charAt(0) + value.slice(1).toLowerCase()}
    </Badge>
  );
}
