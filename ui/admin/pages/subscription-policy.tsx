/** Create or edit a subscription policy: its quota, burst control, and what happens at the quota. */
import { NativeSelect, Stack, Switch } from '@mantine/core';
import type { SubscriptionPolicy } from '../../../src/publisher/admin/policy-schemas';
import { BurstFields, burstErrors, burstFromValues, type BurstValues } from '../components/burst-fields';
import { PolicyBasicsAndLimit } from '../components/policy-basics';
import { PolicyEditor, type PolicyFormSpec } from '../components/policy-editor';
import {
  policyErrors,
  policyFromValues,
  policyToValues,
  untouched,
  type PolicyValues,
} from '../lib/policy-values';

type BillingPlan = NonNullable<SubscriptionPolicy['billingPlan']>;

interface Values extends PolicyValues, BurstValues {
  stopOnQuotaReach: boolean;
  billingPlan: BillingPlan;
}

const BILLING_PLANS: { value: BillingPlan; label: string }[] = [
  { value: 'FREE', label: 'Free' },
  { value: 'COMMERCIAL', label: 'Commercial' },
];

const spec: PolicyFormSpec<SubscriptionPolicy, Values> = {
  kind: 'subscription',
  noun: 'Subscription policy',
  plural: 'Subscription policies',
  toValues: (policy) => ({
    ...policyToValues(policy),
    rateLimitCount: policy?.rateLimitCount ?? '',
    rateLimitTimeUnit: policy?.rateLimitTimeUnit ?? 'sec',
    stopOnQuotaReach: policy?.stopOnQuotaReach ?? true,
    billingPlan: policy?.billingPlan ?? 'FREE',
  }),
  fromValues: (values, original) => ({
    ...untouched(original, ['rateLimitCount', 'rateLimitTimeUnit']),
    ...policyFromValues(values),
    ...burstFromValues(values),
    stopOnQuotaReach: values.stopOnQuotaReach,
    billingPlan: values.billingPlan,
  }),
  validate: (values) => {
    const errors = policyErrors(values);
    burstErrors('', values, errors);
    return errors;
  },
  fields: (form) => (
    <Stack gap="lg">
      <PolicyBasicsAndLimit form={form}>
        <Switch
          label="Stop on quota reach: refuse requests beyond the quota (off: let them through and count them)"
          {...form.getInputProps('stopOnQuotaReach', { type: 'checkbox' })}
        />
      </PolicyBasicsAndLimit>
      <BurstFields form={form} path="" />
      <NativeSelect
        label="Billing plan"
        data={BILLING_PLANS}
        maw={240}
        {...form.getInputProps('billingPlan')}
      />
    </Stack>
  ),
};

export function SubscriptionPolicyPage({ policyId }: { policyId?: string }) {
  return <PolicyEditor spec={spec} policyId={policyId} />;
}
