/** Subscription policies: the tiers an API offers and a subscription is held to. */
import { Badge } from '@mantine/core';
import type { SubscriptionPolicy } from '../../../src/publisher/admin/policy-schemas';
import { PolicyList } from '../components/policy-list';

export function SubscriptionPoliciesPage() {
  return (
    <PolicyList<SubscriptionPolicy>
      kind="subscription"
      noun="Subscription policy"
      title="Subscription policies"
      description="The tiers APIs offer: each subscription is held to one of them."
      columns={[
        {
          header: 'Burst control',
          cell: (p) =>
            p.rateLimitCount ? `${p.rateLimitCount.toLocaleString()} per ${p.rateLimitTimeUnit}` : '—',
        },
        {
          header: 'At quota',
          cell: (p) =>
            p.stopOnQuotaReach === false ? (
              <Badge color="yellow" variant="light">
                Count only
              </Badge>
            ) : (
              <Badge color="gray" variant="light">
                Stop
              </Badge>
            ),
        },
      ]}
    />
  );
}
