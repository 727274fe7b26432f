/**
 * What the three policy forms share: the basic fields and the default limit, and keeping what a form does
 * not edit.
 */
import type { Policy } from '../../../src/publisher/admin/policy-schemas';
import { basicErrors, type BasicValues } from '../components/policy-basics';
import { limitErrors, limitFromValues, limitToValues, newLimit, type LimitValues } from './limits';

/** The values every policy form edits. */
export interface PolicyValues extends BasicValues {
  defaultLimit: LimitValues;
}

function basicToValues(policy: Policy | undefined): BasicValues {
  return {
    policyName: policy?.policyName ?? '',
    displayName: policy?.displayName ?? '',
    description: policy?.description ?? '',
  };
}

function basicFromValues(values: BasicValues): Pick<Policy, 'policyName' | 'displayName' | 'description'> {
  const policyName = values.policyName.trim();
  return {
    policyName,
    displayName: values.displayName.trim() || policyName,
    ...(values.description.trim() ? { description: values.description.trim() } : {}),
  };
}

export function policyToValues(policy: Policy | undefined): PolicyValues {
  return {
    ...basicToValues(policy),
    defaultLimit: policy ? limitToValues(policy.defaultLimit) : newLimit(),
  };
}

export function policyFromValues(
  values: PolicyValues,
): Pick<Policy, 'policyName' | 'displayName' | 'description' | 'defaultLimit'> {
  return { ...basicFromValues(values), defaultLimit: limitFromValues(values.defaultLimit) };
}

/** The errors in the shared fields; a form adds its own to the record. */
export function policyErrors(values: PolicyValues): Record<string, string> {
  const errors: Record<string, string> = {};
  basicErrors(values, errors);
  limitErrors('defaultLimit', values.defaultLimit, errors);
  return errors;
}

/**
 * The original policy without the server's read-only fields and without the fields the form edits, so a
 * PUT keeps what the form does not show (custom attributes, …) and drops what the user cleared.
 */
export function untouched<P extends Policy>(original: P | undefined, edited: readonly string[]): Partial<P> {
  if (!original) return {};
  const skip = new Set(['policyId', 'isDeployed', 'type', 'description', ...edited]);
  return Object.fromEntries(Object.entries(original).filter(([key]) => !skip.has(key))) as Partial<P>;
}
