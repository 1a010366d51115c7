import { describe, expect, it } from 'vitest';
import {
  formatResolvConf,
  parseOptionToken,
  parseResolvConf,
} from '../../../playbooks/parsers/resolv-conf.js';
import type { ResolvConf } from '../../../playbooks/parsers/resolv-conf-types.js';

function rc(partial: Partial<ResolvConf>): ResolvConf {
  return { nameservers: [], search: [], options: {}, unknown: [], ...partial };
}

const KUBELET_POD = [
  'search default.svc.cluster.local svc.cluster.local cluster.local',
  'nameserver 10.96.0.10',
  'options ndots:5',
  '',
].join('\n');

describe('parseResolvConf', () => {
  it.each<[string, string, ResolvConf]>([
    [
      'a kubelet-written pod file',
      KUBELET_POD,
      rc({
        nameservers: ['10.96.0.10'],
        search: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
        options: { ndots: 5 },
      }),
    ],
    ['empty input', '', rc({})],
    ['only blank lines', '\n  \n\t\n', rc({})],
    [
      '# and ; comments at column 0',
      '# generated\n; by hand\nnameserver 1.1.1.1\n',
      rc({ nameservers: ['1.1.1.1'] }),
    ],
    [
      'an indented line is not a keyword for glibc',
      '  nameserver 1.1.1.1\n\t# indented comment\n',
      rc({ unknown: ['  nameserver 1.1.1.1', '\t# indented comment'] }),
    ],
    ['search then domain: domain wins', 'search a.com b.com\ndomain c.com\n', rc({ search: ['c.com'] })],
    [
      'domain then search: search wins',
      'domain c.com\nsearch a.com b.com\n',
      rc({ search: ['a.com', 'b.com'] }),
    ],
    ['domain keeps only its first word', 'domain c.com d.com\n', rc({ search: ['c.com'] })],
    [
      'an empty search line leaves the previous list',
      'search a.com\nsearch   \n',
      rc({ search: ['a.com'], unknown: ['search   '] }),
    ],
    [
      'tabs and runs of blanks separate words',
      'search\ta.com  \t b.com\nnameserver\t10.0.0.1\n',
      rc({ search: ['a.com', 'b.com'], nameservers: ['10.0.0.1'] }),
    ],
    [
      'trailing dots in search are kept as written',
      'search cluster.local. example.com\n',
      rc({ search: ['cluster.local.', 'example.com'] }),
    ],
    [
      'more than 3 nameservers are all kept for reporting',
      'nameserver 1.1.1.1\nnameserver 8.8.8.8\nnameserver 9.9.9.9\nnameserver 10.0.0.1\n',
      rc({ nameservers: ['1.1.1.1', '8.8.8.8', '9.9.9.9', '10.0.0.1'] }),
    ],
    [
      'IPv6 nameservers, with a scope (glibc ignores a bad scope)',
      'nameserver fd00::10\nnameserver fe80::1%eth0\nnameserver fe80::2%\nnameserver 10.0.0.1%eth0\n',
      rc({ nameservers: ['fd00::10', 'fe80::1%eth0', 'fe80::2%'], unknown: ['nameserver 10.0.0.1%eth0'] }),
    ],
    [
      'a nameserver line keeps its first address only',
      'nameserver 10.0.0.1 10.0.0.2 # two\n',
      rc({ nameservers: ['10.0.0.1'] }),
    ],
    [
      'invalid nameserver addresses are ignored by glibc',
      'nameserver kube-dns\nnameserver 10.0.0.300\nnameserver\nnameserver 1.2.3.4x\nnameserver %eth0\n',
      rc({
        unknown: [
          'nameserver kube-dns',
          'nameserver 10.0.0.300',
          'nameserver',
          'nameserver 1.2.3.4x',
          'nameserver %eth0',
        ],
      }),
    ],
    [
      'glibc caps: ndots 15, timeout 30, attempts 5',
      'options ndots:20 timeout:99 attempts:9\n',
      rc({ options: { ndots: 15, timeout: 30, attempts: 5 } }),
    ],
    [
      'atoi semantics for valued options',
      'options ndots:abc timeout:3s attempts:-2\n',
      rc({ options: { ndots: 0, timeout: 3, attempts: 0 } }),
    ],
    [
      'flags are true',
      'options rotate edns0 single-request-reopen use-vc trust-ad\n',
      rc({
        options: {
          rotate: true,
          edns0: true,
          'single-request-reopen': true,
          'use-vc': true,
          'trust-ad': true,
        },
      }),
    ],
    [
      'options lines accumulate; the later value wins',
      'options ndots:2 rotate\noptions ndots:3 timeout:1\n',
      rc({ options: { ndots: 3, rotate: true, timeout: 1 } }),
    ],
    [
      'tokens without a representation go to unknown',
      'options ndots foo:bar :7 ndots:1\n',
      rc({ options: { ndots: 1 }, unknown: ['options ndots', 'options foo:bar', 'options :7'] }),
    ],
    ['an unknown numeric option keeps its number', 'options foo:12\n', rc({ options: { foo: 12 } })],
    [
      'CRLF line endings',
      'search a.com b.com\r\nnameserver 10.0.0.1\r\noptions ndots:2\r\n',
      rc({ search: ['a.com', 'b.com'], nameservers: ['10.0.0.1'], options: { ndots: 2 } }),
    ],
    [
      'keywords need a blank after them',
      'searcha.com\nnameserver1.1.1.1\nSEARCH a.com\nsortlist 10.0.0.0/255.0.0.0\n',
      rc({ unknown: ['searcha.com', 'nameserver1.1.1.1', 'SEARCH a.com', 'sortlist 10.0.0.0/255.0.0.0'] }),
    ],
    [
      'inline comments are not comments to glibc',
      'search a.com # corp\n',
      rc({ search: ['a.com', '#', 'corp'] }),
    ],
  ])('%s', (_name, text, expected) => {
    expect(parseResolvConf(text)).toEqual(expected);
  });

  it.each<[string, unknown]>([
    ['binary noise', '\u0000\u0001\u00ff\ufffd\n\u0000nameserver 1.1.1.1'],
    ['a lone CR', '\r'],
    ['undefined from an untyped caller', undefined],
    ['a number from an untyped caller', 42],
    ['__proto__ as an option', 'options __proto__ constructor toString:1\n'],
  ])('is total on garbage: %s', (_name, text) => {
    const parsed = parseResolvConf(text as string);
    expect(Array.isArray(parsed.nameservers)).toBe(true);
    expect(parsed.nameservers).not.toContain('1.1.1.1');
    expect(() => formatResolvConf(parsed)).not.toThrow();
  });

  it('keeps option names that collide with Object.prototype as own properties', () => {
    const parsed = parseResolvConf('options __proto__ constructor toString:1\n');
    expect(Object.keys(parsed.options)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(Object.getPrototypeOf(parsed.options)).toBe(Object.prototype);
    expect(formatResolvConf(parsed)).toBe('options __proto__ constructor toString:1\n');
  });

  it('parses a 1 MB file', () => {
    const line = 'nameserver 10.0.0.1\n';
    const search = `search ${Array.from({ length: 20000 }, (_, i) => `d${i}.example.com`).join(' ')}\n`;
    const text = line.repeat(40000) + search + 'options ndots:2\n';
    expect(text.length).toBeGreaterThan(1_000_000);
    const parsed = parseResolvConf(text);
    expect(parsed.nameservers).toHaveLength(40000);
    expect(parsed.search).toHaveLength(20000);
    expect(parsed.search.at(-1)).toBe('d19999.example.com');
    expect(parsed.options).toEqual({ ndots: 2 });
  });
});

describe('parseOptionToken', () => {
  it.each([
    ['ndots:5', { name: 'ndots', value: 5 }],
    ['ndots:015', { name: 'ndots', value: 15 }],
    ['timeout:0', { name: 'timeout', value: 0 }],
    ['attempts: 3', { name: 'attempts', value: 3 }],
    ['attempts:99999999999999999999999', { name: 'attempts', value: 5 }],
    ['rotate', { name: 'rotate', value: true }],
    ['timeout', { unknown: 'options timeout' }],
    ['foo:', { unknown: 'options foo:' }],
  ])('%s', (token, expected) => {
    expect(parseOptionToken(token)).toEqual(expected);
  });
});

describe('formatResolvConf', () => {
  it.each<[string, ResolvConf, string]>([
    ['the kubelet layout', parseResolvConf(KUBELET_POD), KUBELET_POD],
    [
      'several nameservers and mixed options',
      rc({
        nameservers: ['169.254.20.10', '172.21.0.10'],
        search: ['a.svc.cluster.local'],
        options: { ndots: 3, 'single-request-reopen': true, timeout: 1 },
      }),
      'search a.svc.cluster.local\nnameserver 169.254.20.10\nnameserver 172.21.0.10\n' +
        'options ndots:3 single-request-reopen timeout:1\n',
    ],
    ['empty parts are left out', rc({ nameservers: ['10.0.0.1'] }), 'nameserver 10.0.0.1\n'],
    ['nothing at all', rc({}), ''],
    [
      'unknown lines follow',
      rc({ search: ['a'], unknown: ['sortlist 10.0.0.0'] }),
      'search a\nsortlist 10.0.0.0\n',
    ],
  ])('%s', (_name, input, expected) => {
    expect(formatResolvConf(input)).toBe(expected);
  });

  it.each([
    KUBELET_POD,
    'domain x.com\nnameserver 1.1.1.1\nnameserver kube-dns\noptions ndots:30 foo:bar rotate\nsearch   \n',
    '# c\n  indented\r\nsearch a b c\r\noptions ndots timeout:2\n',
    'options attempts:1\noptions attempts:4 edns0\nnameserver fe80::1%eth0\n',
  ])('round-trips through parse: %j', (text) => {
    const parsed = parseResolvConf(text);
    expect(parseResolvConf(formatResolvConf(parsed))).toEqual(parsed);
  });
});
