/** Create or edit an application policy: the quota an application shares across all its subscriptions. */
import { Stack } from '@mantine/core';
import type { ApplicationPolicy } from '../../../src/publisher/admin/policy-schemas';
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

interface Values extends PolicyValues {
  burstLimit: BurstValues;
}

const spec: PolicyFormSpec<ApplicationPolicy, Values> = {
  kind: 'application',
  noun: 'Application policy',
  plural: 'Application policies',
  toValues: (policy) => ({
    ...policyToValues(policy),
    burstLimit: {
      rateLimitCount: policy?.burstLimit?.rateLimitCount ?? '',
      rateLimitTimeUnit: policy?.burstLimit?.rateLimitTimeUnit ?? 'sec',
    },
  }),
  fromValues: (values, original) => {
    const burstLimit = burstFromValues(values.burstLimit);
    return {
      ...untouched(original, ['burstLimit']),
      ...policyFromValues(values),
      ...(burstLimit.rateLimitCount ? { burstLimit } : {}),
    };
  },
  validate: (values) => {
    const errors = policyErrors(values);
    burstErrors('burstLimit.', values.burstLimit, errors);
    return errors;
  },
  fields: (form) => (
    <Stack gap="lg">
      <PolicyBasicsAndLimit form={form} />
      <BurstFields form={form} path="burstLimit." />
    </Stack>
  ),
};

export function ApplicationPolicyPage({ policyId }: { policyId?: string }) {
  return <PolicyEditor spec={spec} policyId={policyId} />;
}
