import { describe, expect, it } from 'vitest';
import {
  cidrContains,
  clip,
  failures,
  hostOf,
  minutesBefore,
} from '../../../playbooks/checks/support-network.js';
import { probe } from '../../fixtures/evidence.js';

describe('support-network', () => {
  it.each<[string, string, boolean]>([
    ['10.96.0.0/12', '10.96.0.10', true],
    ['10.96.0.0/12', '10.112.0.1', false],
    ['0.0.0.0/0', '169.254.20.10', true],
    ['169.254.20.10/32', '169.254.20.10', true],
    ['169.254.20.10', '169.254.20.11', false],
    ['fd00::/8', 'fd00::a', true],
    ['fd00::/8', '10.96.0.10', false],
    ['2001:db8::/32', '2001:db9::1', false],
    ['::ffff:0:0/96', '::ffff:10.96.0.10', true],
    ['10.0.0.0/33', '10.0.0.1', false],
    ['not-a-cidr', '10.0.0.1', false],
    ['10.0.0.0/8', '300.0.0.1', false],
  ])('cidrContains(%s, %s) is %s', (cidr, ip, expected) => {
    expect(cidrContains(cidr, ip)).toBe(expected);
  });

  it.each([
    ['10.96.0.10:53', '10.96.0.10'],
    ['[fd00::a]:53', 'fd00::a'],
    ['fd00::a', 'fd00::a'],
    ['10.96.0.10', '10.96.0.10'],
  ])('hostOf(%s) is %s', (server, host) => {
    expect(hostOf(server)).toBe(host);
  });

  it('counts no answer, SERVFAIL and REFUSED as failures, not NXDOMAIN', () => {
    const p = probe({
      hop: 'dns-service',
      server: '10.96.0.10:53',
      answered: 18,
      rcodes: { NXDOMAIN: 10, SERVFAIL: 5, REFUSED: 3 },
    });

    expect(failures(p)).toBe(10);
  });

  it('flattens and shortens untrusted text', () => {
    expect(clip('a\nb\u0007c')).toBe('a b c');
    expect(clip('x'.repeat(400))).toHaveLength(300);
  });

  it('measures minutes against observedAt and tolerates bad dates', () => {
    expect(minutesBefore('2026-11-26T10:00:00Z', '2026-11-26T09:57:00Z')).toBe(3);
    expect(minutesBefore('2026-11-26T10:00:00Z', 'yesterday')).toBeUndefined();
    expect(minutesBefore('2026-11-26T10:00:00Z', undefined)).toBeUndefined();
  });
});
