import { describe, expect, it } from 'vitest';
import {
  isRecent,
  minutesBefore,
  NO_LOG_TIME,
  RECENT_MS,
  timeMs,
  toSecond,
} from '../../../../playbooks/checks/support/time.js';

const NOW = '2026-11-26T10:00:00Z';

describe('support/time', () => {
  it('reads ISO times without a zone as UTC, with or without seconds', () => {
    expect(timeMs('2026-11-26T09:58:03Z')).toBe(Date.UTC(2026, 10, 26, 9, 58, 3));
    expect(timeMs('2026-11-26T09:58:03')).toBe(Date.UTC(2026, 10, 26, 9, 58, 3));
    expect(timeMs('2026-11-26T09:58')).toBe(Date.UTC(2026, 10, 26, 9, 58, 0));
    expect(timeMs('2026-11-26T11:58:03+02:00')).toBe(Date.UTC(2026, 10, 26, 9, 58, 3));
    expect(timeMs('yesterday')).toBeNaN();
    expect(timeMs(undefined)).toBeNaN();
  });

  it('measures minutes against observedAt and tolerates bad dates', () => {
    expect(minutesBefore('2026-11-26T10:00:00Z', '2026-11-26T09:57:00Z')).toBe(3);
    expect(minutesBefore('2026-11-26T10:00:00Z', '2026-11-26T09:57:00')).toBe(3);
    expect(minutesBefore('2026-11-26T10:00:00Z', 'yesterday')).toBeUndefined();
    expect(minutesBefore('2026-11-26T10:00:00Z', undefined)).toBeUndefined();
  });

  it.each<[string | undefined, number | undefined, boolean]>([
    ['2026-11-26T09:50:00Z', undefined, true],
    ['2026-11-26T09:40:00Z', undefined, false],
    ['2026-11-26T09:40:00Z', 30 * 60_000, true],
    ['2026-11-25T08:00:00Z', 60 * 60_000, false],
    [undefined, undefined, true],
    ['not a time', undefined, true],
  ])('isRecent(%j, window %j) is %s (a time we cannot read counts as recent)', (at, windowMs, expected) => {
    expect(isRecent(at, NOW, windowMs)).toBe(expected);
  });

  it('uses a 15-minute window by default', () => {
    expect(RECENT_MS).toBe(15 * 60_000);
  });

  it('trims times to the second', () => {
    expect(toSecond('2026-11-26T09:58:03.123456Z')).toBe('2026-11-26T09:58:03Z');
    expect(toSecond('not a time')).toBe('not a time');
  });

  it('tells the reader how to get times into the log', () => {
    expect(NO_LOG_TIME).toContain('--timestamps');
  });
});
