import { describe, expect, it } from 'vitest';
import { FixedBytes } from '../../../playbooks/logs/fixed-bytes.js';

const bytes = (s: string) => Buffer.from(s, 'latin1');

describe('FixedBytes', () => {
  it.each([
    ['.cluster.local.', 'x.svc.cluster.local.', 5, true],
    ['.cluster.local.', 'x.svc.Cluster.LOCAL.', 5, true],
    ['.cluster.local.', 'x.svc.cluster.locAl!', 5, false],
    ['.cluster.local.', 'x.svc.clusterXlocal.', 5, false],
    ['.a.', 'x.A.', 1, true],
    ['.a.', 'x.b.', 1, false],
  ])('matches %s in %s at %i ignoring case: %s', (word, text, at, expected) => {
    const fixed = new FixedBytes(word.length, true).copyFrom(bytes(word), 0);
    expect(fixed.matches(bytes(text), at)).toBe(expected);
  });

  it('compares exactly unless told to ignore case, and never past the buffer', () => {
    const minute = new FixedBytes(16);
    const line = bytes('2026-11-26T09:14:02.1Z x');
    expect(minute.matches(line, 0)).toBe(false);
    minute.copyFrom(line, 0);
    expect(minute.matches(bytes('2026-11-26T09:14:59Z'), 0)).toBe(true);
    expect(minute.matches(bytes('2026-11-26t09:14:59Z'), 0)).toBe(false);
    expect(minute.matches(bytes('2026-11-26T09:15:00Z'), 0)).toBe(false);
    expect(minute.matches(bytes('x 2026-11-26T09:14'), 2)).toBe(true);
    expect(minute.matches(bytes('x 2026-11-26T09:14'), 3)).toBe(false);
    expect(minute.matches(bytes('x 2026-11-26T09:14'), -1)).toBe(false);
  });
});
