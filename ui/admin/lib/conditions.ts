/**
 * The conditional groups of an advanced policy as a form edits them. Each condition keeps the fields of
 * every kind (so switching kind loses nothing typed) under the wire's own paths, so the server's validation
 * details land on the right input; only the chosen kind's fields are sent.
 */
import { randomId } from '@mantine/hooks';
import type { AdvancedPolicy, ThrottleCondition } from '../../../src/publisher/admin/policy-schemas';
import { ipError, rangeError } from './ip';
import { limitErrors, limitFromValues, limitToValues, newLimit, type LimitValues } from './limits';

export type ConditionType = ThrottleCondition['type'];
type Group = NonNullable<AdvancedPolicy['conditionalGroups']>[number];
type IpConditionType = Extract<ThrottleCondition, { type: 'IPCONDITION' }>['ipCondition']['ipConditionType'];

export const CONDITION_TYPES: { value: ConditionType; label: string }[] = [
  { value: 'IPCONDITION', label: 'IP address' },
  { value: 'HEADERCONDITION', label: 'Header' },
  { value: 'QUERYPARAMETERCONDITION', label: 'Query parameter' },
  { value: 'JWTCLAIMSCONDITION', label: 'JWT claim' },
];

export interface ConditionValues {
  /** React's key for the list item; not sent. */
  key: string;
  type: ConditionType;
  invertCondition: boolean;
  ipCondition: {
    ipConditionType: IpConditionType;
    specificIP: string;
    startingIP: string;
    endingIP: string;
  };
  headerCondition: { headerName: string; headerValue: string };
  queryParameterCondition: { parameterName: string; parameterValue: string };
  jwtClaimsCondition: { claimUrl: string; attribute: string };
}

export interface GroupValues {
  key: string;
  description: string;
  conditions: ConditionValues[];
  limit: LimitValues;
}

export function newCondition(type: ConditionType = 'HEADERCONDITION'): ConditionValues {
  return {
    key: randomId(),
    type,
    invertCondition: false,
    ipCondition: { ipConditionType: 'IPSPECIFIC', specificIP: '', startingIP: '', endingIP: '' },
    headerCondition: { headerName: '', headerValue: '' },
    queryParameterCondition: { parameterName: '', parameterValue: '' },
    jwtClaimsCondition: { claimUrl: '', attribute: '' },
  };
}

export function newGroup(): GroupValues {
  return { key: randomId(), description: '', conditions: [newCondition()], limit: newLimit() };
}

function conditionToValues(condition: ThrottleCondition): ConditionValues {
  const values = { ...newCondition(condition.type), invertCondition: condition.invertCondition ?? false };
  switch (condition.type) {
    case 'IPCONDITION':
      return { ...values, ipCondition: { ...values.ipCondition, ...condition.ipCondition } };
    case 'HEADERCONDITION':
      return { ...values, headerCondition: condition.headerCondition };
    case 'QUERYPARAMETERCONDITION':
      return { ...values, queryParameterCondition: condition.queryParameterCondition };
    case 'JWTCLAIMSCONDITION':
      return { ...values, jwtClaimsCondition: condition.jwtClaimsCondition };
  }
}

function conditionFromValues(values: ConditionValues): ThrottleCondition {
  const invertCondition = values.invertCondition;
  switch (values.type) {
    case 'IPCONDITION': {
      const ip = values.ipCondition;
      return {
        type: 'IPCONDITION',
        invertCondition,
        ipCondition:
          ip.ipConditionType === 'IPSPECIFIC'
            ? { ipConditionType: 'IPSPECIFIC', specificIP: ip.specificIP.trim() }
            : { ipConditionType: 'IPRANGE', startingIP: ip.startingIP.trim(), endingIP: ip.endingIP.trim() },
      };
    }
    case 'HEADERCONDITION':
      return { type: 'HEADERCONDITION', invertCondition, headerCondition: values.headerCondition };
    case 'QUERYPARAMETERCONDITION':
      return {
        type: 'QUERYPARAMETERCONDITION',
        invertCondition,
        queryParameterCondition: values.queryParameterCondition,
      };
    case 'JWTCLAIMSCONDITION':
      return { type: 'JWTCLAIMSCONDITION', invertCondition, jwtClaimsCondition: values.jwtClaimsCondition };
  }
}

export function groupsToValues(groups: readonly Group[] | undefined): GroupValues[] {
  return (groups ?? []).map((group) => ({
    key: randomId(),
    description: group.description ?? '',
    conditions: group.conditions.map(conditionToValues),
    limit: limitToValues(group.limit),
  }));
}

export function groupsFromValues(groups: readonly GroupValues[]): Group[] {
  return groups.map((group) => ({
    ...(group.description.trim() ? { description: group.description.trim() } : {}),
    conditions: group.conditions.map(conditionFromValues),
    limit: limitFromValues(group.limit),
  }));
}

function regexError(source: string): string | null {
  try {
    new RegExp(source);
    return null;
  } catch {
    return 'Not a valid regular expression';
  }
}

/** The header names HTTP allows (RFC 9110 token). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function conditionErrors(path: string, c: ConditionValues, errors: Record<string, string>): void {
  const add = (field: string, error: string | null) => {
    if (error) errors[`${path}.${field}`] = error;
  };
  switch (c.type) {
    case 'IPCONDITION':
      if (c.ipCondition.ipConditionType === 'IPSPECIFIC')
        add('ipCondition.specificIP', ipError(c.ipCondition.specificIP));
      else {
        const start = ipError(c.ipCondition.startingIP);
        const end = ipError(c.ipCondition.endingIP);
        add('ipCondition.startingIP', start);
        add(
          'ipCondition.endingIP',
          end ?? (start ? null : rangeError(c.ipCondition.startingIP, c.ipCondition.endingIP)),
        );
      }
      break;
    case 'HEADERCONDITION':
      add(
        'headerCondition.headerName',
        !c.headerCondition.headerName
          ? 'Enter a header name'
          : TOKEN.test(c.headerCondition.headerName)
            ? null
            : 'Not a valid header name',
      );
      add('headerCondition.headerValue', regexError(c.headerCondition.headerValue));
      break;
    case 'QUERYPARAMETERCONDITION':
      add(
        'queryParameterCondition.parameterName',
        c.queryParameterCondition.parameterName ? null : 'Enter a parameter name',
      );
      break;
    case 'JWTCLAIMSCONDITION':
      add('jwtClaimsCondition.claimUrl', c.jwtClaimsCondition.claimUrl.trim() ? null : 'Enter the claim URI');
      add('jwtClaimsCondition.attribute', regexError(c.jwtClaimsCondition.attribute));
      break;
  }
}

export function groupErrors(groups: readonly GroupValues[], errors: Record<string, string>): void {
  groups.forEach((group, g) => {
    const path = `conditionalGroups.${g}`;
    if (group.conditions.length === 0) errors[`${path}.conditions`] = 'A group needs at least one condition';
    if (group.conditions.length > 20) errors[`${path}.conditions`] = 'At most 20 conditions in a group';
    group.conditions.forEach((c, i) => conditionErrors(`${path}.conditions.${i}`, c, errors));
    limitErrors(`${path}.limit`, group.limit, errors);
  });
}

/** "Header X-Tier matches gold", "IP not in 10.0.0.1 – 10.0.0.9": for the list of policies. */
export function describeCondition(condition: ThrottleCondition): string {
  const not = condition.invertCondition ? 'not ' : '';
  switch (condition.type) {
    case 'IPCONDITION': {
      const ip = condition.ipCondition;
      return ip.ipConditionType === 'IPSPECIFIC'
        ? `IP ${not}${ip.specificIP}`
        : `IP ${not}in ${ip.startingIP} – ${ip.endingIP}`;
    }
    case 'HEADERCONDITION':
      return `Header ${condition.headerCondition.headerName} ${not}matching ${condition.headerCondition.headerValue}`;
    case 'QUERYPARAMETERCONDITION':
      return `Query ${condition.queryParameterCondition.parameterName} ${not}= ${condition.queryParameterCondition.parameterValue}`;
    case 'JWTCLAIMSCONDITION':
      return `Claim ${condition.jwtClaimsCondition.claimUrl} ${not}matching ${condition.jwtClaimsCondition.attribute}`;
  }
}
