import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  classifyClientError,
  type ErrorCategory,
  toSymptom,
  unescapeSlack,
} from '../../../playbooks/parsers/client-error.js';

interface Expected {
  tool: string;
  category: ErrorCategory;
  rcode?: string;
  name?: string;
  server?: string;
}

/** Asserts every field, absent ones included: an extra rcode or server is a bug too. */
function expectClassified(message: string, want: Expected): void {
  const got = classifyClientError(message);
  expect({
    tool: got.tool,
    category: got.category,
    rcode: got.rcode,
    name: got.name,
    server: got.server,
  }).toEqual({ rcode: undefined, name: undefined, server: undefined, ...want });
  expect(got.meaning.length).toBeGreaterThan(20);
  expect(got.nextStep.length).toBeGreaterThan(20);
}

// ---- the guide's "Identify the error" table --------------------------------------------------

const guide = readFileSync(new URL('../../../docs/dns-troubleshooting-guide.txt', import.meta.url), 'utf8');

/** Rows between the table header and the next section; some rows lack the leading pipe. */
function guideRows(): { client: string; message: string; verdict: string }[] {
  const lines = guide.split('\n');
  const start = lines.findIndex((l) => l.startsWith('| Client | Error message | Failure category |'));
  const rows: { client: string; message: string; verdict: string }[] = [];
  for (const line of lines.slice(start + 2)) {
    const cells = line
      .replace(/^\|\s*/, '')
      .replace(/\s*\|\s*$/, '')
      .split(' | ');
    if (cells.length !== 3) break;
    const [client = '', message = '', verdict = ''] = cells;
    rows.push({ client: client.trim(), message: message.trim(), verdict: verdict.trim() });
  }
  return rows;
}

const GUIDE_VERDICTS: [string, ErrorCategory][] = [
  ['Domain not found, or DNS server unreachable', 'ambiguous'],
  ['Domain does not exist', 'nxdomain'],
  ['DNS server unreachable', 'no-server'],
];

const GUIDE_TOOLS: Record<string, string> = {
  ping: 'ping',
  curl: 'curl',
  'PHP HTTP client': 'php',
  'Go HTTP client': 'go',
  dig: 'dig',
};

describe("the guide's Identify the error table", () => {
  const rows = guideRows();

  it('has all seven rows', () => {
    expect(rows).toHaveLength(7);
  });

  it.each(rows)('$client: $message', ({ client, message, verdict }) => {
    const want = GUIDE_VERDICTS.find(([prefix]) => verdict.startsWith(prefix))?.[1];
    expect(want, verdict).toBeDefined();
    const got = classifyClientError(message);
    expect(got.category).toBe(want);
    expect(got.tool).toBe(GUIDE_TOOLS[client]);
  });

  it.each([
    [
      'ping: xxx.yyy.zzz: Name or service not known',
      { tool: 'ping', category: 'ambiguous', name: 'xxx.yyy.zzz' },
    ],
    [
      'curl: (6) Could not resolve host: xxx.yyy.zzz',
      { tool: 'curl', category: 'ambiguous', name: 'xxx.yyy.zzz' },
    ],
    [
      'php_network_getaddresses: getaddrinfo failed: Name or service not known in xxx.php on line yyy',
      { tool: 'php', category: 'ambiguous' },
    ],
    [
      'dial tcp: lookup xxx.yyy.zzz on 100.100.2.136:53: no such host',
      { tool: 'go', category: 'nxdomain', name: 'xxx.yyy.zzz', server: '100.100.2.136:53' },
    ],
    [
      ';; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: xxxxx',
      { tool: 'dig', category: 'nxdomain', rcode: 'NXDOMAIN' },
    ],
    [
      'dial tcp: lookup xxx.yyy.zzz on 100.100.2.139:53: read udp 192.168.0.100:42922->100.100.2.139:53: i/o timeout',
      { tool: 'go', category: 'no-server', name: 'xxx.yyy.zzz', server: '100.100.2.139:53' },
    ],
    [';; connection timed out; no servers could be reached', { tool: 'dig', category: 'no-server' }],
  ] as [string, Expected][])('extracts the details of %s', (message, want) => {
    expectClassified(message, want);
  });
});

// ---- every client form -----------------------------------------------------------------------

const FORMS: [string, string, Expected][] = [
  // glibc text on its own
  ['glibc EAI_AGAIN', 'Temporary failure in name resolution', { tool: 'glibc', category: 'temporary' }],
  [
    'glibc EAI_NONAME via ssh',
    'ssh: Could not resolve hostname bastion: Name or service not known',
    { tool: 'glibc', category: 'ambiguous', name: 'bastion' },
  ],
  [
    'glibc EAI_FAIL',
    'getent: api.example.com: Non-recoverable failure in name resolution',
    { tool: 'glibc', category: 'server-error', name: 'api.example.com' },
  ],

  // Java
  [
    'Java EAI_NONAME',
    'java.net.UnknownHostException: orders.shop.svc.cluster.local: Name or service not known',
    { tool: 'java', category: 'ambiguous', name: 'orders.shop.svc.cluster.local' },
  ],
  [
    'Java EAI_AGAIN',
    'java.net.UnknownHostException: api.example.com: Temporary failure in name resolution',
    { tool: 'java', category: 'temporary', name: 'api.example.com' },
  ],
  [
    'Java unknown error',
    'java.net.UnknownHostException: kafka-0.kafka: unknown error',
    { tool: 'java', category: 'ambiguous', name: 'kafka-0.kafka' },
  ],
  [
    'Java on musl, name repeated',
    'java.net.UnknownHostException: ip-10-1-2-3.example.com: ip-10-1-2-3.example.com: Name has no usable address',
    { tool: 'java', category: 'nxdomain', name: 'ip-10-1-2-3.example.com' },
  ],
  [
    'Java bare, with a stack trace',
    'Exception in thread "main" java.net.UnknownHostException: artifacts.elastic.co\n' +
      '\tat java.net.AbstractPlainSocketImpl.connect(AbstractPlainSocketImpl.java:184)\n' +
      '\tat java.net.Socket.connect(Socket.java:589)',
    { tool: 'java', category: 'ambiguous', name: 'artifacts.elastic.co' },
  ],
  [
    'Java via Spring',
    'org.springframework.web.client.ResourceAccessException: I/O error on GET request for "http://inventory:8080/items": ' +
      'inventory: Temporary failure in name resolution; nested exception is java.net.UnknownHostException: inventory: ' +
      'Temporary failure in name resolution',
    { tool: 'java', category: 'temporary', name: 'inventory' },
  ],
  [
    'Java Netty timeout cause',
    "java.net.UnknownHostException: Failed to resolve 'api.example.com' [A(1)] after 2 queries\n" +
      'Caused by: io.netty.resolver.dns.DnsNameResolverTimeoutException: [/10.96.0.10:53] query via UDP timed out ' +
      'after 5000 milliseconds (no stack trace available)',
    { tool: 'java', category: 'no-server', name: 'api.example.com', server: '10.96.0.10:53' },
  ],
  [
    'Java Netty NXDOMAIN cause',
    "java.net.UnknownHostException: Failed to resolve 'nope.example.com' after 2 queries\n" +
      'Caused by: io.netty.resolver.dns.DnsErrorCauseException: Query failed with NXDOMAIN',
    { tool: 'java', category: 'nxdomain', rcode: 'NXDOMAIN', name: 'nope.example.com' },
  ],

  // Python
  [
    'Python -2',
    'socket.gaierror: [Errno -2] Name or service not known',
    { tool: 'python', category: 'ambiguous' },
  ],
  [
    'Python -3',
    'socket.gaierror: [Errno -3] Temporary failure in name resolution',
    { tool: 'python', category: 'temporary' },
  ],
  [
    'Python -5',
    'socket.gaierror: [Errno -5] No address associated with hostname',
    { tool: 'python', category: 'nxdomain' },
  ],
  [
    'Python -2 on musl',
    'socket.gaierror: [Errno -2] Name does not resolve',
    { tool: 'python', category: 'nxdomain' },
  ],
  ['Python -3 on musl', 'socket.gaierror: [Errno -3] Try again', { tool: 'python', category: 'temporary' }],
  [
    'Python on macOS',
    'socket.gaierror: [Errno 8] nodename nor servname provided, or not known',
    { tool: 'python', category: 'ambiguous' },
  ],
  [
    'requests (urllib3 1.x)',
    "requests.exceptions.ConnectionError: HTTPConnectionPool(host='payments.prod.svc.cluster.local', port=80): " +
      "Max retries exceeded with url: /health (Caused by NewConnectionError('<urllib3.connection.HTTPConnection " +
      "object at 0x7f3c1c2b5d90>: Failed to establish a new connection: [Errno -2] Name or service not known'))",
    { tool: 'python', category: 'ambiguous', name: 'payments.prod.svc.cluster.local' },
  ],
  [
    'urllib3 2.x NameResolutionError',
    'urllib3.exceptions.NameResolutionError: <urllib3.connection.HTTPSConnection object at 0x7f0e>: ' +
      "Failed to resolve 'api.example.com' ([Errno -3] Temporary failure in name resolution)",
    { tool: 'python', category: 'temporary', name: 'api.example.com' },
  ],
  [
    'urllib3 without errno',
    'urllib3.exceptions.NameResolutionError: <urllib3.connection.HTTPSConnection object at 0x7f0e>: ' +
      "Failed to resolve 'api.example.com'",
    { tool: 'python', category: 'ambiguous', name: 'api.example.com' },
  ],
  [
    'aiohttp',
    'aiohttp.client_exceptions.ClientConnectorError: Cannot connect to host api.example.com:443 ssl:default ' +
      '[Temporary failure in name resolution]',
    { tool: 'python', category: 'temporary', name: 'api.example.com' },
  ],
  [
    'dnspython NXDOMAIN',
    'dns.resolver.NXDOMAIN: The DNS query name does not exist: nope.example.com.',
    { tool: 'python', category: 'nxdomain', rcode: 'NXDOMAIN', name: 'nope.example.com' },
  ],
  [
    'dnspython SERVFAIL',
    'dns.resolver.NoNameservers: All nameservers failed to answer the query api.example.com. IN A: ' +
      'Server Do53:10.96.0.10@53 answered SERVFAIL',
    {
      tool: 'python',
      category: 'server-error',
      rcode: 'SERVFAIL',
      name: 'api.example.com',
      server: '10.96.0.10:53',
    },
  ],
  [
    'dnspython timeout',
    'dns.resolver.LifetimeTimeout: The resolution lifetime expired after 5.405 seconds: ' +
      'Server Do53:10.96.0.10@53 answered The DNS operation timed out.',
    { tool: 'python', category: 'no-server', server: '10.96.0.10:53' },
  ],

  // Node.js
  [
    'Node ENOTFOUND',
    'Error: getaddrinfo ENOTFOUND api.example.com',
    { tool: 'nodejs', category: 'ambiguous', name: 'api.example.com' },
  ],
  [
    'Node EAI_AGAIN',
    'Error: getaddrinfo EAI_AGAIN api.example.com',
    { tool: 'nodejs', category: 'temporary', name: 'api.example.com' },
  ],
  [
    'Node queryA ESERVFAIL',
    'Error: queryA ESERVFAIL api.example.com',
    { tool: 'nodejs', category: 'server-error', rcode: 'SERVFAIL', name: 'api.example.com' },
  ],
  [
    'Node queryAaaa EREFUSED',
    'Error: queryAaaa EREFUSED api.example.com',
    { tool: 'nodejs', category: 'server-error', rcode: 'REFUSED', name: 'api.example.com' },
  ],
  [
    'Node queryA ECONNREFUSED',
    'Error: queryA ECONNREFUSED api.example.com',
    { tool: 'nodejs', category: 'no-server', name: 'api.example.com' },
  ],
  [
    'Node queryA ETIMEOUT',
    'Error: queryA ETIMEOUT api.example.com',
    { tool: 'nodejs', category: 'no-server', name: 'api.example.com' },
  ],
  [
    'Node queryA ENOTFOUND (c-ares: NXDOMAIN)',
    'Error: queryA ENOTFOUND nope.example.com',
    { tool: 'nodejs', category: 'nxdomain', name: 'nope.example.com' },
  ],
  [
    'Node fetch with cause',
    'TypeError: fetch failed\n    at node:internal/deps/undici/undici:13502:13 {\n' +
      '  [cause]: Error: getaddrinfo ENOTFOUND api.example.com\n' +
      '      at GetAddrInfoReqWrap.onlookup [as oncomplete] (node:dns:107:26) {\n' +
      "    errno: -3008,\n    code: 'ENOTFOUND',\n    syscall: 'getaddrinfo',\n    hostname: 'api.example.com'\n  }\n}",
    { tool: 'nodejs', category: 'ambiguous', name: 'api.example.com' },
  ],

  // Go
  [
    'Go server misbehaving',
    'dial tcp: lookup api.example.com on 10.96.0.10:53: server misbehaving',
    { tool: 'go', category: 'server-error', name: 'api.example.com', server: '10.96.0.10:53' },
  ],
  [
    'Go network unreachable',
    'dial tcp: lookup api.example.com on 10.96.0.10:53: dial udp 10.96.0.10:53: connect: network is unreachable',
    { tool: 'go', category: 'no-server', name: 'api.example.com', server: '10.96.0.10:53' },
  ],
  [
    'Go connection refused',
    'lookup redis on 10.96.0.10:53: read udp 10.244.0.5:56891->10.96.0.10:53: read: connection refused',
    { tool: 'go', category: 'no-server', name: 'redis', server: '10.96.0.10:53' },
  ],
  [
    'Go no such host without server (cgo)',
    'dial tcp: lookup api.example.com: no such host',
    { tool: 'go', category: 'ambiguous', name: 'api.example.com' },
  ],
  [
    'Go cgo EAI_AGAIN',
    'dial tcp: lookup api.example.com: Temporary failure in name resolution',
    { tool: 'go', category: 'temporary', name: 'api.example.com' },
  ],
  [
    'Go cannot unmarshal',
    'lookup big.prod.svc.cluster.local on 10.96.0.10:53: cannot unmarshal DNS message',
    { tool: 'go', category: 'truncated', name: 'big.prod.svc.cluster.local', server: '10.96.0.10:53' },
  ],
  [
    'Go truncated even over TCP',
    'lookup big.prod.svc.cluster.local. on 10.96.0.10:53: no answer from DNS server',
    { tool: 'go', category: 'truncated', name: 'big.prod.svc.cluster.local', server: '10.96.0.10:53' },
  ],
  [
    'Go IPv6 server',
    'lookup nope.example.com on [fd00:10:96::a]:53: no such host',
    { tool: 'go', category: 'nxdomain', name: 'nope.example.com', server: '[fd00:10:96::a]:53' },
  ],
  [
    'Go bare transport error',
    'read udp 10.244.1.5:43211->10.96.0.10:53: i/o timeout',
    { tool: 'go', category: 'no-server', server: '10.96.0.10:53' },
  ],

  // .NET
  [
    '.NET EAI_AGAIN',
    'System.Net.Http.HttpRequestException: Resource temporarily unavailable (api.example.com:443)\n' +
      ' ---> System.Net.Sockets.SocketException (00000001, 11): Resource temporarily unavailable',
    { tool: 'dotnet', category: 'temporary', name: 'api.example.com' },
  ],
  [
    '.NET EAI_NONAME',
    'System.Net.Sockets.SocketException (00000005, 0xFFFDFFFE): Name or service not known',
    { tool: 'dotnet', category: 'ambiguous' },
  ],
  [
    '.NET HttpRequestException alone',
    'System.Net.Http.HttpRequestException: Name or service not known (orders:80)',
    { tool: 'dotnet', category: 'ambiguous', name: 'orders' },
  ],
  [
    '.NET on Windows',
    'System.Net.Sockets.SocketException (11001): No such host is known.',
    { tool: 'dotnet', category: 'ambiguous' },
  ],

  // Ruby
  [
    'Ruby 3.3 ResolutionError',
    'Socket::ResolutionError: getaddrinfo: Name or service not known',
    { tool: 'ruby', category: 'ambiguous' },
  ],
  [
    'Ruby SocketError EAI_AGAIN',
    'SocketError: getaddrinfo: Temporary failure in name resolution',
    { tool: 'ruby', category: 'temporary' },
  ],
  [
    'Ruby Net::HTTP',
    'Failed to open TCP connection to api.example.com:443 (getaddrinfo: Name or service not known) (SocketError)',
    { tool: 'ruby', category: 'ambiguous', name: 'api.example.com' },
  ],

  // PHP
  [
    'PHP 8 with the host',
    'PHP Warning:  file_get_contents(): php_network_getaddresses: getaddrinfo for api.example.com failed: ' +
      'Temporary failure in name resolution in /var/www/index.php on line 3',
    { tool: 'php', category: 'temporary', name: 'api.example.com' },
  ],
  [
    'PHP PDO',
    'SQLSTATE[HY000] [2002] php_network_getaddresses: getaddrinfo for mysql failed: Name or service not known',
    { tool: 'php', category: 'ambiguous', name: 'mysql' },
  ],

  // curl
  [
    'curl resolve timeout',
    'curl: (28) Resolving timed out after 5000 milliseconds',
    { tool: 'curl', category: 'no-server' },
  ],
  [
    'libcurl via Guzzle',
    'cURL error 6: Could not resolve host: api.example.com (see https://curl.haxx.se/libcurl/c/libcurl-errors.html)',
    { tool: 'curl', category: 'ambiguous', name: 'api.example.com' },
  ],
  [
    'curl built with c-ares',
    'curl: (6) Could not resolve host: nope.example.com (Domain name not found)',
    { tool: 'curl', category: 'nxdomain', rcode: 'NXDOMAIN', name: 'nope.example.com' },
  ],
  [
    'curl proxy',
    'curl: (5) Could not resolve proxy: proxy.corp',
    { tool: 'curl', category: 'ambiguous', name: 'proxy.corp' },
  ],
  [
    "old curl's wording",
    "curl: (6) Couldn't resolve host 'api.example.com'",
    { tool: 'curl', category: 'ambiguous', name: 'api.example.com' },
  ],

  // wget
  [
    'GNU wget, UTF-8 quotes',
    'wget: unable to resolve host address ‘api.example.com’',
    { tool: 'wget', category: 'ambiguous', name: 'api.example.com' },
  ],
  [
    'GNU wget with the reason line',
    'Resolving api.example.com (api.example.com)... failed: Temporary failure in name resolution.\n' +
      "wget: unable to resolve host address 'api.example.com'",
    { tool: 'wget', category: 'temporary', name: 'api.example.com' },
  ],
  [
    'BusyBox wget',
    "wget: bad address 'api.example.com'",
    { tool: 'wget', category: 'ambiguous', name: 'api.example.com' },
  ],

  // ping
  [
    'ping EAI_AGAIN',
    'ping: api.example.com: Temporary failure in name resolution',
    { tool: 'ping', category: 'temporary', name: 'api.example.com' },
  ],
  ['BusyBox ping', "ping: bad address 'redis'", { tool: 'ping', category: 'ambiguous', name: 'redis' }],
  [
    'old ping',
    'ping: unknown host api.example.com',
    { tool: 'ping', category: 'ambiguous', name: 'api.example.com' },
  ],

  // dig
  [
    'dig NXDOMAIN, full output',
    '; <<>> DiG 9.18.24 <<>> nope.example.com\n;; global options: +cmd\n;; Got answer:\n' +
      ';; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: 4312\n' +
      ';; flags: qr rd ra; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1\n\n' +
      ';; QUESTION SECTION:\n;nope.example.com.\t\tIN\tA\n\n' +
      ';; Query time: 3 msec\n;; SERVER: 10.96.0.10#53(10.96.0.10) (UDP)\n',
    {
      tool: 'dig',
      category: 'nxdomain',
      rcode: 'NXDOMAIN',
      name: 'nope.example.com',
      server: '10.96.0.10:53',
    },
  ],
  [
    'dig SERVFAIL',
    ';; ->>HEADER<<- opcode: QUERY, status: SERVFAIL, id: 999',
    { tool: 'dig', category: 'server-error', rcode: 'SERVFAIL' },
  ],
  [
    'dig REFUSED',
    ';; ->>HEADER<<- opcode: QUERY, status: REFUSED, id: 17',
    { tool: 'dig', category: 'server-error', rcode: 'REFUSED' },
  ],
  [
    'dig communications error',
    ';; communications error to 10.96.0.10#53: timed out',
    { tool: 'dig', category: 'no-server', server: '10.96.0.10:53' },
  ],
  [
    'dig truncated and TCP failed',
    ';; Truncated, retrying in TCP mode.\n;; communications error to 10.96.0.10#53: connection refused',
    { tool: 'dig', category: 'truncated', server: '10.96.0.10:53' },
  ],
  [
    'dig tc flag (+notcp)',
    ';; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 1\n' +
      ';; flags: qr aa tc rd; QUERY: 1, ANSWER: 7, AUTHORITY: 0, ADDITIONAL: 1',
    { tool: 'dig', category: 'truncated', rcode: 'NOERROR' },
  ],
  [
    'dig truncated but TCP worked',
    ';; Truncated, retrying in TCP mode.\n;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 5\n' +
      ';; flags: qr aa rd; QUERY: 1, ANSWER: 40, AUTHORITY: 0, ADDITIONAL: 1',
    { tool: 'dig', category: 'unknown', rcode: 'NOERROR' },
  ],
  [
    'dig NODATA',
    ';; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 2\n;; flags: qr aa rd; QUERY: 1, ANSWER: 0, AUTHORITY: 1',
    { tool: 'dig', category: 'nxdomain', rcode: 'NOERROR' },
  ],
  [
    'dig UDP setup failed',
    ';; UDP setup with 10.96.0.10#53(10.96.0.10) for api.example.com failed: network unreachable.',
    { tool: 'dig', category: 'no-server', name: 'api.example.com', server: '10.96.0.10:53' },
  ],

  // nslookup (BIND)
  [
    'nslookup SERVFAIL',
    ';; Got SERVFAIL reply from 10.96.0.10, trying next server\nServer:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n' +
      "** server can't find api.example.com: SERVFAIL",
    {
      tool: 'nslookup-glibc',
      category: 'server-error',
      rcode: 'SERVFAIL',
      name: 'api.example.com',
      server: '10.96.0.10:53',
    },
  ],
  [
    'nslookup NXDOMAIN',
    "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n** server can't find nope.example.com: NXDOMAIN",
    {
      tool: 'nslookup-glibc',
      category: 'nxdomain',
      rcode: 'NXDOMAIN',
      name: 'nope.example.com',
      server: '10.96.0.10:53',
    },
  ],
  [
    'nslookup Got SERVFAIL alone',
    ';; Got SERVFAIL reply from 10.96.0.10',
    { tool: 'nslookup-glibc', category: 'server-error', rcode: 'SERVFAIL', server: '10.96.0.10:53' },
  ],
  [
    'nslookup timeout',
    '$ nslookup api.example.com\n;; connection timed out; no servers could be reached',
    { tool: 'nslookup-glibc', category: 'no-server' },
  ],
  [
    'nslookup NODATA',
    "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n*** Can't find api.example.com: No answer",
    { tool: 'nslookup-glibc', category: 'nxdomain', name: 'api.example.com', server: '10.96.0.10:53' },
  ],

  // nslookup (BusyBox)
  [
    'BusyBox nslookup NXDOMAIN',
    "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n** server can't find nope.default.svc.cluster.local: NXDOMAIN",
    {
      tool: 'nslookup-busybox',
      category: 'nxdomain',
      rcode: 'NXDOMAIN',
      name: 'nope.default.svc.cluster.local',
      server: '10.96.0.10:53',
    },
  ],
  [
    'BusyBox nslookup NXDOMAIN, trailing dot',
    "** server can't find nope.: NXDOMAIN",
    { tool: 'nslookup-busybox', category: 'nxdomain', rcode: 'NXDOMAIN', name: 'nope' },
  ],
  [
    'old BusyBox nslookup',
    "Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\nnslookup: can't resolve 'web'",
    { tool: 'nslookup-busybox', category: 'ambiguous', name: 'web', server: '10.96.0.10:53' },
  ],

  // host
  [
    'host NXDOMAIN',
    'Host nope.example.com not found: 3(NXDOMAIN)',
    { tool: 'host', category: 'nxdomain', rcode: 'NXDOMAIN', name: 'nope.example.com' },
  ],
  [
    'host SERVFAIL',
    'Host api.example.com not found: 2(SERVFAIL)',
    { tool: 'host', category: 'server-error', rcode: 'SERVFAIL', name: 'api.example.com' },
  ],
  [
    'host REFUSED',
    'Host api.example.com not found: 5(REFUSED)',
    { tool: 'host', category: 'server-error', rcode: 'REFUSED', name: 'api.example.com' },
  ],
  [
    'host timeout',
    '$ host api.example.com\n;; connection timed out; no servers could be reached',
    { tool: 'host', category: 'no-server' },
  ],

  // nginx
  [
    'nginx NXDOMAIN',
    '2024/05/01 10:00:00 [error] 7#7: *1 api.example.com could not be resolved (3: Host not found), ' +
      'client: 10.0.0.1, server: , request: "GET / HTTP/1.1"',
    { tool: 'nginx', category: 'nxdomain', rcode: 'NXDOMAIN', name: 'api.example.com' },
  ],
  [
    'nginx SERVFAIL',
    '[error] 7#7: *3 api.example.com could not be resolved (2: Server failure)',
    { tool: 'nginx', category: 'server-error', rcode: 'SERVFAIL', name: 'api.example.com' },
  ],
  [
    'nginx timeout',
    '[error] 7#7: *5 api.example.com could not be resolved (110: Operation timed out)',
    { tool: 'nginx', category: 'no-server', name: 'api.example.com' },
  ],
  [
    'nginx REFUSED',
    '[error] 7#7: *9 api.example.com could not be resolved (5: Operation refused)',
    { tool: 'nginx', category: 'server-error', rcode: 'REFUSED', name: 'api.example.com' },
  ],
  [
    'nginx at startup',
    '[emerg] 1#1: host not found in upstream "backend.prod.svc.cluster.local:8080" in /etc/nginx/conf.d/default.conf:12',
    { tool: 'nginx', category: 'ambiguous', name: 'backend.prod.svc.cluster.local' },
  ],

  // database clients
  [
    'psql EAI_NONAME',
    'psql: error: could not translate host name "db.prod.svc.cluster.local" to address: Name or service not known',
    { tool: 'postgres', category: 'ambiguous', name: 'db.prod.svc.cluster.local' },
  ],
  [
    'psql EAI_AGAIN',
    'psql: error: could not translate host name "db" to address: Temporary failure in name resolution',
    { tool: 'postgres', category: 'temporary', name: 'db' },
  ],
  [
    'psql in a JSON log',
    '{"level":"error","msg":"could not translate host name \\"db\\" to address: Temporary failure in name resolution"}',
    { tool: 'postgres', category: 'temporary', name: 'db' },
  ],
  [
    'MySQL -2',
    "ERROR 2005 (HY000): Unknown MySQL server host 'mysql.prod' (-2)",
    { tool: 'mysql', category: 'ambiguous', name: 'mysql.prod' },
  ],
  [
    'MySQL -3',
    "ERROR 2005 (HY000): Unknown MySQL server host 'mysql' (-3)",
    { tool: 'mysql', category: 'temporary', name: 'mysql' },
  ],
  [
    'Node.js failing on a host named like a database',
    'Error: getaddrinfo ENOTFOUND postgres',
    { tool: 'nodejs', category: 'ambiguous', name: 'postgres' },
  ],
  [
    'BusyBox nslookup, server refused the connection',
    "nslookup: write to '10.96.0.10': Connection refused",
    { tool: 'nslookup-busybox', category: 'no-server', server: '10.96.0.10:53' },
  ],
  [
    'MySQL errno 11',
    "ERROR 2005 (HY000): Unknown MySQL server host 'db.example.com' (11)",
    { tool: 'mysql', category: 'ambiguous', name: 'db.example.com' },
  ],
  [
    'MySQL errno 0',
    "ERROR 2005 (HY000): Unknown MySQL server host 'db.example.com' (0)",
    { tool: 'mysql', category: 'ambiguous', name: 'db.example.com' },
  ],
  [
    'ioredis',
    '[ioredis] Unhandled error event: Error: getaddrinfo ENOTFOUND redis-master',
    { tool: 'redis', category: 'ambiguous', name: 'redis-master' },
  ],
  [
    'redis-cli',
    'Could not connect to Redis at redis:6379: Name or service not known',
    { tool: 'redis', category: 'ambiguous', name: 'redis' },
  ],
  [
    'redis-py',
    'redis.exceptions.ConnectionError: Error -3 connecting to redis:6379. Temporary failure in name resolution.',
    { tool: 'redis', category: 'temporary', name: 'redis' },
  ],
  [
    'MongoDB SRV',
    'MongoServerSelectionError: querySrv ENOTFOUND _mongodb._tcp.cluster0.abcde.mongodb.net',
    { tool: 'mongodb', category: 'nxdomain', name: '_mongodb._tcp.cluster0.abcde.mongodb.net' },
  ],
  [
    'MongoDB TXT timeout',
    'Error: queryTxt ETIMEOUT cluster0.abcde.mongodb.net',
    { tool: 'mongodb', category: 'no-server', name: 'cluster0.abcde.mongodb.net' },
  ],

  // not a client, but pasted just as often
  [
    'CoreDNS errors plugin line',
    '[ERROR] plugin/errors: 2 api.example.net. A: read udp 10.8.0.12:51733->192.0.2.53:53: i/o timeout',
    {
      tool: 'unknown',
      category: 'server-error',
      rcode: 'SERVFAIL',
      name: 'api.example.net',
      server: '192.0.2.53:53',
    },
  ],
  [
    'a bare rcode in prose',
    'we keep getting SERVFAIL for api.example.com since noon',
    { tool: 'unknown', category: 'server-error', rcode: 'SERVFAIL' },
  ],
];

describe('client forms', () => {
  it.each(FORMS)('%s', (_label, message, want) => {
    expectClassified(message, want);
  });
});

// ---- Slack input -----------------------------------------------------------------------------

describe('Slack-escaped input', () => {
  it.each([
    [
      'Go arrow',
      'dial tcp: lookup api.example.com on 10.96.0.10:53: read udp 10.244.1.7:43012-&gt;10.96.0.10:53: i/o timeout',
      { tool: 'go', category: 'no-server', name: 'api.example.com', server: '10.96.0.10:53' },
    ],
    [
      'dig header',
      ';; -&gt;&gt;HEADER&lt;&lt;- opcode: QUERY, status: SERVFAIL, id: 4242',
      { tool: 'dig', category: 'server-error', rcode: 'SERVFAIL' },
    ],
    [
      'auto-linked host name',
      'curl: (6) Could not resolve host: <http://api.example.com|api.example.com>',
      { tool: 'curl', category: 'ambiguous', name: 'api.example.com' },
    ],
    [
      'urllib3 object repr',
      '&lt;urllib3.connection.HTTPSConnection object at 0x7f&gt;: Failed to resolve ' +
        "'api.example.com' ([Errno -3] Temporary failure in name resolution)",
      { tool: 'python', category: 'temporary', name: 'api.example.com' },
    ],
    [
      'block quote',
      '&gt; ping: db: Name or service not known',
      { tool: 'ping', category: 'ambiguous', name: 'db' },
    ],
    [
      'inline code',
      "`nslookup: can't resolve 'redis'`",
      { tool: 'nslookup-busybox', category: 'ambiguous', name: 'redis' },
    ],
    [
      'code block',
      '```\n$ dig api.example.com\n;; connection timed out; no servers could be reached\n```',
      { tool: 'dig', category: 'no-server' },
    ],
    [
      'double quotes',
      '"Error: getaddrinfo EAI_AGAIN api.example.com"',
      { tool: 'nodejs', category: 'temporary', name: 'api.example.com' },
    ],
    [
      'Slack-linked dig NXDOMAIN name',
      "** server can't find <http://nope.example.com|nope.example.com>: NXDOMAIN",
      { tool: 'nslookup-glibc', category: 'nxdomain', rcode: 'NXDOMAIN', name: 'nope.example.com' },
    ],
  ] as [string, string, Expected][])('%s', (_label, message, want) => {
    expectClassified(message, want);
  });

  it('reports the unescaped input', () => {
    const got = classifyClientError('```read udp 10.244.1.7:43012-&gt;10.96.0.10:53: i/o timeout```');
    expect(got.input).toBe('read udp 10.244.1.7:43012->10.96.0.10:53: i/o timeout');
  });

  it('unescapes &amp; last, so an escaped entity stays literal', () => {
    expect(unescapeSlack('a &amp;lt; b &lt; c')).toBe('a &lt; b < c');
  });

  it('keeps the label of a link and the target of a bare link', () => {
    expect(unescapeSlack('<http://a.example|a.example> and <https://b.example/x>')).toBe(
      'a.example and https://b.example/x',
    );
  });
});

// ---- what the answer says --------------------------------------------------------------------

describe('meaning and next step', () => {
  it('sends a cluster NXDOMAIN to Step 1 and the Service', () => {
    const got = classifyClientError('lookup web.shop.svc.cluster.local on 10.96.0.10:53: no such host');
    expect(got.nextStep).toContain('Step 1: Check the DNS configuration of the application pod');
    expect(got.nextStep).toContain('web.shop.svc.cluster.local');
  });

  it('sends an external NXDOMAIN to the CoreDNS logs and the external-name FAQ', () => {
    const got = classifyClientError('Host nope.example.com not found: 3(NXDOMAIN)');
    expect(got.nextStep).toContain('Step 3: Check CoreDNS operational logs');
    expect(got.nextStep).toContain('external domain name cannot be resolved');
  });

  it('sends an unreachable server to the connectivity section with the server to dig', () => {
    const got = classifyClientError(';; communications error to 10.96.0.10#53: timed out');
    expect(got.nextStep).toContain('Diagnose network connectivity between application pods and CoreDNS');
    expect(got.nextStep).toContain('@10.96.0.10');
  });

  it('sends a NodeLocal DNSCache timeout to the NodeLocal section', () => {
    const got = classifyClientError(
      'dial tcp: lookup api.example.com on 169.254.20.10:53: read udp 10.0.0.5:40000->169.254.20.10:53: i/o timeout',
    );
    expect(got.server).toBe('169.254.20.10:53');
    expect(got.nextStep).toContain('NodeLocal DNSCache issues');
  });

  it('explains that EAI_AGAIN covers timeouts and SERVFAIL', () => {
    const got = classifyClientError('getaddrinfo EAI_AGAIN api.example.com');
    expect(got.meaning).toMatch(/EAI_AGAIN both for timeouts and for SERVFAIL/);
    expect(got.nextStep).toContain('Step 3: Check CoreDNS operational logs');
  });

  it('sends truncation to the headless Service FAQ', () => {
    const got = classifyClientError(
      'lookup big.prod.svc.cluster.local on 10.96.0.10:53: cannot unmarshal DNS message',
    );
    expect(got.nextStep).toContain('headless Service domain names cannot be resolved');
  });

  it('tells how to disambiguate, with the name', () => {
    const got = classifyClientError('curl: (6) Could not resolve host: api.example.com');
    expect(got.meaning).toMatch(/cannot tell/);
    expect(got.nextStep).toContain('dig api.example.com');
    expect(got.toolLabel).toBe('curl');
  });

  it('labels the Go resolver', () => {
    expect(classifyClientError('lookup a.b on 10.0.0.10:53: no such host').toolLabel).toBe('Go net resolver');
  });

  it('tells the CoreDNS errors line apart from a client error', () => {
    const got = classifyClientError(
      '[ERROR] plugin/errors: 2 api.example.net. A: read udp 10.8.0.12:51733->192.0.2.53:53: i/o timeout',
    );
    expect(got.toolLabel).toMatch(/CoreDNS/);
    expect(got.nextStep).toContain('Diagnose network connectivity of the CoreDNS pod');
  });

  it('maps to the evidence-model symptom', () => {
    expect(toSymptom(classifyClientError('Host api.example.com not found: 2(SERVFAIL)'))).toEqual({
      category: 'server-error',
      rcode: 'SERVFAIL',
    });
    expect(toSymptom(classifyClientError("ping: bad address 'x'"))).toEqual({ category: 'ambiguous' });
    expect(toSymptom(classifyClientError('hello'))).toBeUndefined();
  });
});

// ---- empty, garbage, huge --------------------------------------------------------------------

describe('robustness', () => {
  it.each([
    ['empty', ''],
    ['blank', '  \n\t '],
    ['prose', 'hello world, the app is slow today'],
    ['a non-DNS error', 'connect ECONNREFUSED 10.0.0.7:5432'],
    ['a TCP timeout', 'dial tcp 10.0.0.7:443: i/o timeout'],
    ['Python non-DNS errno', 'ConnectionRefusedError: [Errno 111] Connection refused'],
    ['binary', String.fromCharCode(...Array.from({ length: 200 }, (_, i) => (i * 7) % 32))],
    ['binary with a DNS word', `\u0000\u0001\u0002\u0003NXDOMAIN\u0004\u0005\u0006\u0007\u0008\u000b\u000c`],
  ])('%s is unknown', (_label, message) => {
    const got = classifyClientError(message);
    expect(got.category).toBe('unknown');
    expect(got.tool).toBe('unknown');
    expect(got.rcode).toBeUndefined();
    expect(got.nextStep).toContain('Set up a debug pod');
  });

  it('never throws on values that are not strings', () => {
    for (const bad of [undefined, null, 42, {}, []]) {
      expect(classifyClientError(bad as unknown as string).category).toBe('unknown');
    }
  });

  it('trims and caps the input to 4096 characters', () => {
    expect(classifyClientError('  \n curl: (6) Could not resolve host: a.example \n').input).toBe(
      'curl: (6) Could not resolve host: a.example',
    );
    const got = classifyClientError(`curl: (6) Could not resolve host: a.example\n${'x'.repeat(1 << 20)}`);
    expect(got.input.length).toBeLessThanOrEqual(4096);
    expect(got.category).toBe('ambiguous');
  });

  it('finds the cause below a long stack trace', () => {
    const frames = Array.from(
      { length: 150 },
      (_, i) => `\tat com.example.Service.call${i}(Service.java:${i})`,
    );
    const trace = [
      'org.springframework.web.client.ResourceAccessException: I/O error on GET request',
      ...frames,
      'Caused by: java.net.UnknownHostException: ledger: Temporary failure in name resolution',
    ].join('\n');
    expect(trace.length).toBeGreaterThan(4096);
    const got = classifyClientError(trace);
    expect(got).toMatchObject({ tool: 'java', category: 'temporary', name: 'ledger' });
  });

  /** A deterministic pseudo-random generator, so a failure reproduces. */
  function garbage(size: number, alphabet: string): string {
    let seed = 42;
    const out: string[] = [];
    for (let i = 0; i < size; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      out.push(alphabet[seed % alphabet.length] ?? 'x');
    }
    return out.join('');
  }

  const MB = 1 << 20;
  it.each([
    ['printable garbage', garbage(MB, 'abcdefghijklmnopqrstuvwxyz0123456789 .:-_/\\\'"()[]<>&;#@\n')],
    ['one long token', 'a'.repeat(MB)],
    ['repeated lookup prefixes', 'lookup '.repeat(MB / 7)],
    ['repeated nginx phrases', 'x could not be resolved ('.repeat(MB / 25)],
    ['repeated errno brackets', '[Errno -2'.repeat(MB / 9)],
    ['repeated Slack links', '<http://'.repeat(MB / 8)],
    [
      'repeated libc reason',
      'a'
        .repeat(300)
        .concat(': Name or service not known ')
        .repeat(MB / 330),
    ],
    ['only newlines', '\n'.repeat(MB)],
  ])('classifies 1 MB of %s in under 100 ms', (_label, message) => {
    const started = performance.now();
    const got = classifyClientError(message);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(100);
    expect(got.input.length).toBeLessThanOrEqual(4096);
  });
});
