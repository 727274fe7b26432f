/** Labels for analytics: bucket times at the range's grain, counts and milliseconds. */
import type { AnalyticsRange } from '../../../src/analytics/analytics-schemas';

export function timeLabel(range: AnalyticsRange): (time: number) => string {
  const format =
    range === '1h' || range === '24h'
      ? new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })
      : new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit' });
  return (time) => format.format(new Date(time));
}

const counts = new Intl.NumberFormat();
export const count = (value: number) => counts.format(value);

export const millis = (value: number | null | undefined) =>
  value === null || value === undefined
    ? '—'
    : value < 10
      ? `${value.toFixed(1)} ms`
      : `${Math.round(value)} ms`;

export const percent = (part: number, whole: number) =>
  whole === 0 ? '0%' : `${((part / whole) * 100).toFixed(part / whole < 0.1 ? 1 : 0)}%`;
