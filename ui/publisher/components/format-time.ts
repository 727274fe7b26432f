/** The REST APIs write times as epoch milliseconds (APIs, documents) or ISO 8601 (revisions): both shown local. */
export function formatTime(time: string | undefined): string {
  if (!time) return '—';
  const date = /^\d+$/.test(time) ? new Date(Number(time)) : new Date(time);
  return Number.isNaN(date.getTime()) ? time : date.toLocaleString();
}
