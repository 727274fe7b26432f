/** Advanced policies: limits on an API or an operation as a whole, with conditional groups. */
import { List, Text } from '@mantine/core';
import type { AdvancedPolicy } from '../../../src/publisher/admin/policy-schemas';
import { PolicyList } from '../components/policy-list';
import { describeCondition } from '../lib/conditions';
import { describeLimit } from '../lib/limits';

function Groups({ policy }: { policy: AdvancedPolicy }) {
  const groups = policy.conditionalGroups ?? [];
  if (groups.length === 0) return <Text size="sm">—</Text>;
  return (
    <List size="sm" spacing={2}>
      {groups.map((group, i) => (
        <List.Item key={i}>
          {group.conditions.map(describeCondition).join(' and ')} → {describeLimit(group.limit)}
        </List.Item>
      ))}
    </List>
  );
}

export function AdvancedPoliciesPage() {
  return (
    <PolicyList<AdvancedPolicy>
      kind="advanced"
      noun="Advanced policy"
      title="Advanced policies"
      description="Limits on an API or one of its operations across all callers, with different limits for requests that meet conditions (IP, header, query parameter, JWT claim)."
      columns={[{ header: 'Conditional groups', cell: (p) => <Groups policy={p} /> }]}
    />
  );
}
