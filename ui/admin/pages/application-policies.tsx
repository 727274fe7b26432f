/** Application policies: the quota an application shares across all its subscriptions. */
import type { ApplicationPolicy } from '../../../src/publisher/admin/policy-schemas';
import { PolicyList } from '../components/policy-list';

export function ApplicationPoliciesPage() {
  return (
    <PolicyList<ApplicationPolicy>
      kind="application"
      noun="Application policy"
      title="Application policies"
      description="The quota an application shares across every API it subscribes to."
      columns={[
        {
          header: 'Burst control',
          cell: (p) =>
            p.burstLimit?.rateLimitCount
              ? `${p.burstLimit.rateLimitCount.toLocaleString()} per ${p.burstLimit.rateLimitTimeUnit}`
              : '—',
        },
      ]}
    />
  );
}
