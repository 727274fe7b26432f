/** A subscription's status, coloured by what it means for calls. */
import { Badge } from '@mantine/core';

const COLORS: Record<string, string> = {
  UNBLOCKED: 'green',
  BLOCKED: 'red',
  PROD_ONLY_BLOCKED: 'orange',
  ON_HOLD: 'yellow',
  REJECTED: 'red',
  TIER_UPDATE_PENDING: 'yellow',
  DELETE_PENDING: 'gray',
};

const NAMES: Record<string, string> = {
  UNBLOCKED: 'Active',
  BLOCKED: 'Blocked',
  PROD_ONLY_BLOCKED: 'Production blocked',
  ON_HOLD: 'On hold',
  REJECTED: 'Rejected',
  TIER_UPDATE_PENDING: 'Tier change pending',
  DELETE_PENDING: 'Being removed',
};

export function StatusBadge({ status }: { status: string | undefined }) {
  const s = status ?? 'UNBLOCKED';
  return (
    <Badge color={COLORS[s] ?? 'gray'} variant="light">
      {NAMES[s] ?? s}
    </Badge>
  );
}
