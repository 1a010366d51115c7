import { describe, expect, it } from 'vitest';
import { directDialer } from '../../../workers/probe/dialer.js';
import {
  countProblem,
  formatServer,
  nameProblem,
  parseServer,
  timeoutProblem,
} from '../../../workers/probe/validate.js';

describe('probe input validation', () => {
  it.each([
    ['', /empty/],
    ['a..example.com', /empty label/],
    [`${'a'.repeat(64)}.example.com`, /longer than 63/],
    [`${'abcdefghi.'.repeat(26)}com`, /longer than 253/],
    ['bücher.example', /IDNA/],
  ])('refuses the name %j', (name, message) => {
    expect(nameProblem(name)).toMatch(message);
  });

  it.each([
    'example.com',
    'example.com.',
    `${'a'.repeat(63)}.io`,
    '_grpc._tcp.api.shop.svc.cluster.local',
    'xn--bcher-kva.example',
  ])('accepts the name %j', (name) => {
    expect(nameProblem(name)).toBeUndefined();
  });

  it.each([
    ['10.96.0.10', { host: '10.96.0.10', port: 53 }],
    ['10.96.0.10:5353', { host: '10.96.0.10', port: 5353 }],
    ['[fd00::a]:53', { host: 'fd00::a', port: 53 }],
    ['[fd00::a]', { host: 'fd00::a', port: 53 }],
    ['fd00::a', { host: 'fd00::a', port: 53 }],
    [' 169.254.20.10 ', { host: '169.254.20.10', port: 53 }],
  ])('parses the server %j', (text, expected) => {
    expect(parseServer(text)).toEqual(expected);
  });

  it.each([
    ['', /empty/],
    ['kube-dns.kube-system', /not an IP address/],
    ['10.96.0.10:0', /1 to 65535/],
    ['10.96.0.10:65536', /1 to 65535/],
    ['10.96.0.10:dns', /1 to 65535/],
    ['10.96.0.300:53', /not an IPv4/],
    ['[10.96.0.10]:53', /not an IPv6/],
    ['fd00::a:53:x', /not an IP address/],
  ])('refuses the server %j', (text, message) => {
    expect(parseServer(text)).toMatch(message);
  });

  it.each([0, -1, 1001, 2.5, Number.NaN])('refuses the count %s', (count) => {
    expect(countProblem(count)).toMatch(/from 1 to 1000/);
  });

  it.each([9, 30_001, Number.POSITIVE_INFINITY, Number.NaN])('refuses the timeout %s ms', (ms) => {
    expect(timeoutProblem(ms)).toMatch(/from 10 ms to 30 s/);
  });

  it('accepts the bounds', () => {
    expect([countProblem(1), countProblem(1000), timeoutProblem(10), timeoutProblem(30_000)]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('writes IPv6 servers in brackets, as the address map keys them', () => {
    expect(formatServer({ host: 'fd00::a', port: 53 })).toBe('[fd00::a]:53');
    expect(formatServer({ host: '10.96.0.10', port: 53 })).toBe('10.96.0.10:53');
  });

  it('the production dialer sends to the address itself and refuses what is not an IP', () => {
    expect(directDialer.route({ host: '10.96.0.10', port: 53 }, 'udp')).toEqual({
      host: '10.96.0.10',
      port: 53,
    });
    expect(() => directDialer.route({ host: 'kube-dns', port: 53 }, 'udp')).toThrow(/not an IP address/);
    expect(() => directDialer.route({ host: '10.96.0.10', port: 0 }, 'tcp')).toThrow(/1 to 65535/);
  });
});
