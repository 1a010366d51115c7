/**
 * Times in evidence: ISO-8601 strings from the API and from log lines. `observedAt` is when the
 * evidence was gathered, never the time a log line was written: a line without a time says so.
 */

/** "Now" for restarts and log lines: within this window of `observedAt`. */
export const RECENT_MS = 15 * 60_000;

/** What a finding says instead of a time when the log line carried none. */
export const NO_LOG_TIME = 'time not in the log (run kubectl logs with --timestamps)';

/** Milliseconds since the epoch; ISO strings without a zone are UTC. NaN when absent or unreadable. */
export function timeMs(iso: string | undefined): number {
  if (!iso) return Number.NaN;
  const withZone = /(Z|[+-]\d\d:?\d\d)$/i.test(iso) ? iso : `${iso.length === 16 ? `${iso}:00` : iso}Z`;
  return Date.parse(withZone);
}

/** Minutes from `at` to `observedAt`; undefined when either does not parse. */
export function minutesBefore(observedAt: string, at: string | undefined): number | undefined {
  const diff = timeMs(observedAt) - timeMs(at);
  return Number.isNaN(diff) ? undefined : diff / 60_000;
}

/** Whether `at` lies within `windowMs` before `observedAt`. A time we cannot read counts as recent. */
export function isRecent(at: string | undefined, observedAt: string, windowMs = RECENT_MS): boolean {
  const diff = timeMs(observedAt) - timeMs(at);
  return Number.isNaN(diff) || diff <= windowMs;
}

/** `2026-11-26T09:58:03Z` from any ISO-8601 time: a ticket wants the second. */
export function toSecond(iso: string): string {
  const t = timeMs(iso);
  return Number.isNaN(t) ? iso : new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
