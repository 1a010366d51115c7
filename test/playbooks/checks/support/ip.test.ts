import { describe, expect, it } from 'vitest';
import { cidrContains, hostOf, isIp, isIpv4, splitServer } from '../../../../playbooks/checks/support/ip.js';

describe('support/ip', () => {
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

  it.each([
    ['10.0.0.2:53', { host: '10.0.0.2', port: '53' }],
    ['[fd00::5]:5353', { host: 'fd00::5', port: '5353' }],
    ['10.0.0.2', { host: '10.0.0.2', port: '53' }],
  ])('splits server %s', (server, parts) => {
    expect(splitServer(server)).toEqual(parts);
  });

  it.each<[string | undefined, boolean, boolean]>([
    ['10.96.0.10', true, true],
    ['fd00::a', true, false],
    ['::ffff:10.96.0.10', true, false],
    ['300.0.0.1', false, false],
    ['fe80::1%eth0', false, false],
    ['fe80::1%$(reboot)', false, false],
    ['10.96.0.10:53', false, false],
    ['', false, false],
    [undefined, false, false],
  ])('isIp(%j) is %s, isIpv4 %s', (text, ip, v4) => {
    expect(isIp(text)).toBe(ip);
    expect(isIpv4(text)).toBe(v4);
  });
});
