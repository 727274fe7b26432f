/**
 * A throttle limit (request count or bandwidth per time) as a form edits it: one flat group of fields, so
 * switching between the two kinds keeps the time settings. Converted to the Admin API's ThrottleLimit on send.
 */
import type { Static } from 'typebox';
import type {
  BandwidthLimitSchema,
  ThrottleLimit,
  TIME_UNITS,
} from '../../../src/publisher/admin/policy-schemas';

export type TimeUnit = (typeof TIME_UNITS)[number];
export type DataUnit = Static<typeof BandwidthLimitSchema>['dataUnit'];

export const TIME_UNIT_OPTIONS: { value: TimeUnit; label: string }[] = [
  { value: 'sec', label: 'Second' },
  { value: 'min', label: 'Minute' },
  { value: 'hour', label: 'Hour' },
  { value: 'day', label: 'Day' },
];

export const DATA_UNITS: DataUnit[] = ['KB', 'MB', 'GB'];

export interface LimitValues {
  type: ThrottleLimit['type'];
  requestCount: number | string;
  dataAmount: number | string;
  dataUnit: DataUnit;
  unitTime: number | string;
  timeUnit: TimeUnit;
}

export function newLimit(requestCount: number | string = ''): LimitValues {
  return {
    type: 'REQUESTCOUNTLIMIT',
    requestCount,
    dataAmount: '',
    dataUnit: 'MB',
    unitTime: 1,
    timeUnit: 'min',
  };
}

export function limitToValues(limit: ThrottleLimit): LimitValues {
  if (limit.type === 'REQUESTCOUNTLIMIT') {
    const { requestCount, unitTime, timeUnit } = limit.requestCount;
    return { ...newLimit(requestCount), unitTime, timeUnit };
  }
  const { dataAmount, dataUnit, unitTime, timeUnit } = limit.bandwidth;
  return { ...newLimit(), type: 'BANDWIDTHLIMIT', dataAmount, dataUnit, unitTime, timeUnit };
}

export function limitFromValues(values: LimitValues): ThrottleLimit {
  const time = { unitTime: Number(values.unitTime), timeUnit: values.timeUnit };
  return values.type === 'REQUESTCOUNTLIMIT'
    ? { type: 'REQUESTCOUNTLIMIT', requestCount: { ...time, requestCount: Number(values.requestCount) } }
    : {
        type: 'BANDWIDTHLIMIT',
        bandwidth: { ...time, dataAmount: Number(values.dataAmount), dataUnit: values.dataUnit },
      };
}

/** A whole number ≥ min, or the reason it is not. */
function countError(value: number | string, min = 1): string | null {
  if (value === '' || value === undefined) return 'Required';
  const n = Number(value);
  if (!Number.isInteger(n)) return 'Enter a whole number';
  if (n < min) return `At least ${min}`;
  if (n > Number.MAX_SAFE_INTEGER) return 'Too large';
  return null;
}

/** Adds the limit's errors under its form path (e.g. `defaultLimit`). */
export function limitErrors(path: string, values: LimitValues, errors: Record<string, string>): void {
  const add = (field: string, error: string | null) => {
    if (error) errors[`${path}.${field}`] = error;
  };
  if (values.type === 'REQUESTCOUNTLIMIT') add('requestCount', countError(values.requestCount));
  else add('dataAmount', countError(values.dataAmount));
  add('unitTime', countError(values.unitTime));
}

/** The server's error paths inside a limit (`….requestCount.unitTime`) mapped to the flat form's. */
export function limitFieldPath(field: string): string {
  return field.replace(
    /\.(requestCount|bandwidth)\.(requestCount|dataAmount|dataUnit|unitTime|timeUnit)$/,
    '.$2',
  );
}

const UNIT_WORDS: Record<TimeUnit, [string, string]> = {
  sec: ['second', 'seconds'],
  min: ['minute', 'minutes'],
  hour: ['hour', 'hours'],
  day: ['day', 'days'],
};

/** "5,000 requests per minute", "10 MB per 2 hours". */
export function describeLimit(limit: ThrottleLimit): string {
  const { unitTime, timeUnit } = limit.type === 'REQUESTCOUNTLIMIT' ? limit.requestCount : limit.bandwidth;
  const [one, many] = UNIT_WORDS[timeUnit];
  const per = unitTime === 1 ? `per ${one}` : `per ${unitTime.toLocaleString()} ${many}`;
  if (limit.type === 'BANDWIDTHLIMIT')
    return `${limit.bandwidth.dataAmount.toLocaleString()} ${limit.bandwidth.dataUnit} ${per}`;
  const n = limit.requestCount.requestCount;
  return n >= 2147483647 ? 'Unlimited' : `${n.toLocaleString()} request${n === 1 ? '' : 's'} ${per}`;
}
