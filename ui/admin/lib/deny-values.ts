/** A deny policy's condition as its form edits it, and as the Admin API takes it (see deny-policy-schemas.ts). */
import type { DenyPolicy, DenyType } from '../../../src/publisher/admin/deny-policy-schemas';
import { ipError, rangeError } from './ip';

export const DENY_TYPE_LABELS: Record<DenyType, string> = {
  API: 'API',
  APPLICATION: 'Application',
  IP: 'IP address',
  IPRANGE: 'IP range',
  USER: 'User',
};

export const DENY_TYPES = Object.keys(DENY_TYPE_LABELS) as DenyType[];

export interface DenyValues {
  conditionType: DenyType;
  apiContext: string;
  applicationOwner: string;
  applicationName: string;
  username: string;
  fixedIp: string;
  startingIp: string;
  endingIp: string;
  invert: boolean;
  conditionStatus: boolean;
}

export const NEW_DENY: DenyValues = {
  conditionType: 'API',
  apiContext: '',
  applicationOwner: '',
  applicationName: '',
  username: '',
  fixedIp: '',
  startingIp: '',
  endingIp: '',
  invert: false,
  conditionStatus: true,
};

export function denyFromValues(v: DenyValues): DenyPolicy {
  const base = { conditionType: v.conditionType, conditionStatus: v.conditionStatus };
  switch (v.conditionType) {
    case 'API':
      return { ...base, conditionValue: v.apiContext.trim() };
    case 'APPLICATION':
      return { ...base, conditionValue: `${v.applicationOwner.trim()}:${v.applicationName.trim()}` };
    case 'USER':
      return { ...base, conditionValue: v.username.trim() };
    case 'IP':
      return { ...base, conditionValue: { fixedIp: v.fixedIp.trim(), invert: v.invert } };
    case 'IPRANGE':
      return {
        ...base,
        conditionValue: { startingIp: v.startingIp.trim(), endingIp: v.endingIp.trim(), invert: v.invert },
      };
  }
}

const USERNAME = /^[A-Za-z0-9._@-]{1,64}$/;

export function denyErrors(v: DenyValues): Record<string, string> {
  const errors: Record<string, string> = {};
  const add = (field: keyof DenyValues, error: string | null) => {
    if (error) errors[field] = error;
  };
  switch (v.conditionType) {
    case 'API':
      add(
        'apiContext',
        /^\/\S+$/.test(v.apiContext.trim()) ? null : 'Enter the context with its version, e.g. /pizza/1.0.0',
      );
      break;
    case 'APPLICATION':
      add(
        'applicationOwner',
        v.applicationOwner.trim() && !v.applicationOwner.includes(':') ? null : 'Enter the owner’s user name',
      );
      add('applicationName', v.applicationName.trim() ? null : 'Enter the application’s name');
      break;
    case 'USER':
      add(
        'username',
        USERNAME.test(v.username.trim()) ? null : 'Letters, digits, ".", "_", "@" or "-" (up to 64)',
      );
      break;
    case 'IP':
      add('fixedIp', ipError(v.fixedIp));
      break;
    case 'IPRANGE': {
      const start = ipError(v.startingIp);
      add('startingIp', start);
      add('endingIp', ipError(v.endingIp) ?? (start ? null : rangeError(v.startingIp, v.endingIp)));
      break;
    }
  }
  return errors;
}

/** Which input a server message about `conditionValue…` belongs to. */
export function denyFieldOf(type: DenyType, message: string): keyof DenyValues | undefined {
  if (!message.startsWith('conditionValue')) return undefined;
  if (message.startsWith('conditionValue.startingIp')) return 'startingIp';
  if (message.startsWith('conditionValue.endingIp')) return 'endingIp';
  const fields: Record<DenyType, keyof DenyValues> = {
    API: 'apiContext',
    APPLICATION: 'applicationName',
    USER: 'username',
    IP: 'fixedIp',
    IPRANGE: 'startingIp',
  };
  return fields[type];
}

/** The condition as the list shows it. */
export function describeDenyValue(policy: DenyPolicy): string {
  const value = policy.conditionValue;
  if (typeof value === 'string') return value;
  const not = value.invert === true ? 'not ' : '';
  if (policy.conditionType === 'IP') return `${not}${String(value.fixedIp)}`;
  return `${not}${String(value.startingIp)} – ${String(value.endingIp)}`;
}
