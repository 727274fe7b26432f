/** Create or edit an advanced (API) policy: a default limit, and conditional groups with their own limits. */
import { Fieldset, Stack, Text } from '@mantine/core';
import type { AdvancedPolicy } from '../../../src/publisher/admin/policy-schemas';
import { ConditionalGroups } from '../components/conditional-groups';
import { PolicyBasicsAndLimit } from '../components/policy-basics';
import { PolicyEditor, type PolicyFormSpec } from '../components/policy-editor';
import { groupErrors, groupsFromValues, groupsToValues, type GroupValues } from '../lib/conditions';
import {
  policyErrors,
  policyFromValues,
  policyToValues,
  untouched,
  type PolicyValues,
} from '../lib/policy-values';

interface Values extends PolicyValues {
  conditionalGroups: GroupValues[];
}

const spec: PolicyFormSpec<AdvancedPolicy, Values> = {
  kind: 'advanced',
  noun: 'Advanced policy',
  plural: 'Advanced policies',
  toValues: (policy) => ({
    ...policyToValues(policy),
    conditionalGroups: groupsToValues(policy?.conditionalGroups),
  }),
  fromValues: (values, original) => ({
    ...untouched(original, ['conditionalGroups']),
    ...policyFromValues(values),
    conditionalGroups: groupsFromValues(values.conditionalGroups),
  }),
  validate: (values) => {
    const errors = policyErrors(values);
    groupErrors(values.conditionalGroups, errors);
    return errors;
  },
  fields: (form) => (
    <Stack gap="lg">
      <PolicyBasicsAndLimit form={form} />
      <Fieldset legend="Conditional groups" p={{ base: 'xs', sm: 'md' }}>
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            A request that meets every condition of a group is held to that group&apos;s limit instead of the
            default one.
          </Text>
          <ConditionalGroups form={form} />
        </Stack>
      </Fieldset>
    </Stack>
  ),
};

export function AdvancedPolicyPage({ policyId }: { policyId?: string }) {
  return <PolicyEditor spec={spec} policyId={policyId} />;
}
