import { describe, expect, it } from 'vitest';
import { RULES } from '../../../playbooks/parsers/client-error/index.js';
import * as dnsTools from '../../../playbooks/parsers/client-error/rules-dns-tools.js';
import * as shellTools from '../../../playbooks/parsers/client-error/rules-glibc-and-shell-tools.js';
import * as goAndNode from '../../../playbooks/parsers/client-error/rules-go-and-nodejs.js';
import * as runtimes from '../../../playbooks/parsers/client-error/rules-java-python-dotnet-ruby.js';
import * as servers from '../../../playbooks/parsers/client-error/rules-servers-and-databases.js';
import { classifyClientError } from '../../../playbooks/parsers/client-error.js';

/** The priority order: the first rule that builds a verdict wins. */
const ORDER = [
  'dig-header',
  'bind-truncated-tcp-failed',
  'coredns-errors-plugin',
  'nslookup-cant-find',
  'host-not-found',
  'nginx-resolver',
  'nginx-startup',
  'nginx-no-resolver',
  'go-lookup',
  'node-query',
  'node-getaddrinfo',
  'node-connect-dns',
  'netty-timeout',
  'netty-rcode',
  'dnspython-nxdomain',
  'dnspython-noanswer',
  'dnspython-nonameservers',
  'dnspython-timeout',
  'java-unknown-host',
  'dotnet-socket',
  'dotnet-http',
  'postgres',
  'mysql',
  'redis-cli',
  'redis-py',
  'python-errno',
  'python-aiohttp',
  'python-urllib3',
  'ruby-getaddrinfo',
  'ruby-resolv',
  'php',
  'curl-resolve-timeout',
  'curl-resolve',
  'wget-resolving',
  'wget-unable',
  'busybox-bad-address',
  'ping-gai',
  'ping-unknown-host',
  'nslookup-got-reply',
  'nslookup-no-answer',
  'nslookup-busybox-cant-resolve',
  'nslookup-busybox-write-failed',
  'bind-comm-error',
  'bind-setup-failed',
  'bind-no-servers',
  'go-transport',
  'go-bare',
  'c-ares-text',
  'libc-text',
  'bare-rcode',
];

describe('the client error rule table', () => {
  it('keeps its priority order', () => {
    expect(RULES.map((r) => r.id)).toEqual(ORDER);
  });

  it('holds every rule of every family exactly once', () => {
    const exported = [dnsTools, shellTools, goAndNode, runtimes, servers].flatMap((family) =>
      Object.values(family),
    );
    expect(new Set(RULES).size).toBe(RULES.length);
    expect(new Set(exported)).toEqual(new Set(RULES));
  });

  it.each([
    [
      'a CoreDNS errors line before the Go transport error inside it',
      '[ERROR] plugin/errors: 2 api.example.com. A: read udp 10.244.0.5:38504->8.8.8.8:53: i/o timeout',
      { tool: 'unknown', category: 'server-error', rcode: 'SERVFAIL', server: '8.8.8.8:53' },
    ],
    [
      'Java before the C library text it carries',
      'Caused by: java.net.UnknownHostException: ledger: Temporary failure in name resolution',
      { tool: 'java', category: 'temporary', name: 'ledger' },
    ],
    [
      'libpq before the C library text it carries',
      'psql: error: could not translate host name "db" to address: Name or service not known',
      { tool: 'postgres', category: 'ambiguous', name: 'db' },
    ],
    [
      'curl before a dig line further down',
      'curl: (6) Could not resolve host: api.example.com\n;; connection timed out; no servers could be reached',
      { tool: 'curl', category: 'ambiguous', name: 'api.example.com' },
    ],
    [
      'the dig header before an nslookup line',
      ";; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: 1\n** server can't find x: SERVFAIL",
      { tool: 'dig', category: 'nxdomain', rcode: 'NXDOMAIN' },
    ],
    [
      'Go before a bare rcode',
      'dial tcp: lookup db on 10.96.0.10:53: no such host\nNXDOMAIN',
      { tool: 'go', category: 'nxdomain', name: 'db', server: '10.96.0.10:53' },
    ],
  ])('resolves a message two families match: %s', (_label, message, want) => {
    expect(classifyClientError(message)).toMatchObject(want);
  });
});
