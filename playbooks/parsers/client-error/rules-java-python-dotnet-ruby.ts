/** Java (JDK and Netty), Python (socket, dnspython, urllib3, aiohttp), .NET and Ruby. */
import { fromGai, gaiFromErrno, gaiFromText } from './gai.js';
import { normalizeName, normalizeServer, type Rule, rcodeCategory } from './shared.js';

export const nettyTimeout: Rule = {
  id: 'netty-timeout',
  keys: ['dnsnameresolvertimeoutexception'],
  re: /DnsNameResolverTimeoutException: \[(?:\d{1,10}: )?\/?([^\]\s]{1,64})\] (?:DefaultDnsQuestion\(([^\s)]{1,254}) IN \w{1,10}\) )?query via (UDP|TCP) timed out/,
  build: (m) => ({
    tool: 'java',
    label: 'Java (Netty DNS resolver)',
    category: 'no-server',
    name: normalizeName(m[2]),
    server: normalizeServer(m[1]),
    detail: `Netty's DNS resolver got no answer over ${m[3]} in time.`,
  }),
};

export const nettyRcode: Rule = {
  id: 'netty-rcode',
  keys: ['query failed with'],
  re: /Query failed with ([A-Z]{2,10})\b/,
  build: (m) => {
    const rcode = m[1] ?? '';
    return {
      tool: 'java',
      label: 'Java (Netty DNS resolver)',
      category: rcodeCategory(rcode),
      rcode,
      detail: `Netty's DNS resolver got ${rcode}.`,
    };
  },
};

export const javaUnknownHost: Rule = {
  id: 'java-unknown-host',
  keys: ['unknownhostexception'],
  re: /UnknownHostException(?:: ?([^\n]{1,600}))?/,
  build: (m) => {
    const rest = (m[1] ?? '').replace(/;.*$/, '').trim();
    const netty = /^Failed to resolve '([^'\s]{1,254})'/.exec(rest);
    if (netty) {
      return {
        tool: 'java',
        label: 'Java (Netty DNS resolver)',
        category: 'ambiguous',
        name: normalizeName(netty[1]),
        detail:
          "Netty's resolver gave up on the name; the cause line (timeout or rcode) says why, if present.",
      };
    }
    const parts = rest.split(': ');
    const android = /^Unable to resolve host "([^"]{1,254})"$/.exec(parts[0] ?? '');
    const name = android?.[1] ?? parts[0];
    const reason = parts.length > 1 ? parts[parts.length - 1] : undefined;
    const gai = gaiFromText(reason);
    if (gai) return fromGai('java', gai, 'Java UnknownHostException carrying the C library error', name);
    return {
      tool: 'java',
      category: 'ambiguous',
      name: normalizeName(name),
      detail:
        'Java UnknownHostException without a reason (a cached negative lookup, or a resolver that does not say why).',
    };
  },
};

export const dnspythonNxdomain: Rule = {
  id: 'dnspython-nxdomain',
  keys: ['dns query name does not exist'],
  re: /The DNS query name does not exist: (\S{1,254})/,
  build: (m) => ({
    tool: 'python',
    category: 'nxdomain',
    rcode: 'NXDOMAIN',
    name: normalizeName(m[1]),
    detail: 'dnspython got NXDOMAIN.',
  }),
};

export const dnspythonNoanswer: Rule = {
  id: 'dnspython-noanswer',
  keys: ['does not contain an answer to the question'],
  re: /does not contain an answer to the question: (\S{1,254}) IN \w{1,10}/,
  build: (m) => ({
    tool: 'python',
    category: 'nxdomain',
    name: normalizeName(m[1]),
    detail: 'dnspython got NOERROR with no answer (NODATA): the name exists but has no record of that type.',
  }),
};

export const dnspythonNonameservers: Rule = {
  id: 'dnspython-nonameservers',
  keys: ['all nameservers failed to answer'],
  re: /All nameservers failed to answer the query (\S{1,254}) IN \w{1,10}: Server (?:Do53:|\w{1,10}:)?(\S{1,70}) answered ([A-Z]{2,10})/,
  build: (m) => {
    const rcode = m[3] ?? '';
    return {
      tool: 'python',
      category: rcodeCategory(rcode),
      rcode,
      name: normalizeName(m[1]),
      server: normalizeServer(m[2]),
      detail: `dnspython: every nameserver failed, the last answered ${rcode}.`,
    };
  },
};

export const dnspythonTimeout: Rule = {
  id: 'dnspython-timeout',
  keys: ['dns operation timed out'],
  re: /(?:resolution lifetime expired|The DNS operation timed out)/,
  build: (_m, text) => ({
    tool: 'python',
    category: 'no-server',
    server: normalizeServer(
      /Server (?:Do53:)?(\S{1,70}) answered The DNS operation timed out/.exec(text)?.[1],
    ),
    detail: 'dnspython got no answer before its timeout.',
  }),
};

export const pythonErrno: Rule = {
  id: 'python-errno',
  keys: ['[errno '],
  re: /\[Errno (-?\d{1,6})\] ?([A-Za-z][^\]\n'")]{0,160})?/,
  build: (m, text) => {
    const gai = gaiFromErrno(m[1], m[2]);
    if (!gai) return undefined;
    const name =
      /host='([^'\s]{1,254})'/.exec(text)?.[1] ??
      /Failed to resolve '([^'\s]{1,254})'/.exec(text)?.[1] ??
      /Cannot connect to host ([^\s:]{1,254}):\d/.exec(text)?.[1];
    return fromGai('python', gai, `Python socket.gaierror [Errno ${m[1]}]`, name);
  },
};

export const pythonAiohttp: Rule = {
  id: 'python-aiohttp',
  keys: ['cannot connect to host'],
  re: /Cannot connect to host ([^\s:]{1,254}):\d{1,5} ssl:\S{1,40} \[([^\]\n]{1,160})\]/,
  build: (m) => fromGai('python', gaiFromText(m[2]), 'aiohttp could not resolve the host', m[1]),
};

export const pythonUrllib3: Rule = {
  id: 'python-urllib3',
  keys: ['failed to resolve'],
  re: /NameResolutionError.{0,200}?Failed to resolve '([^'\s]{1,254})'/,
  build: (m) => ({
    tool: 'python',
    category: 'ambiguous',
    name: normalizeName(m[1]),
    detail: 'urllib3 could not resolve the host and did not keep the C library reason.',
  }),
};

export const dotnetSocket: Rule = {
  id: 'dotnet-socket',
  keys: ['socketexception'],
  re: /SocketException(?: \(([0-9A-Fa-fx, ]{1,40})\))?: ([^\n]{1,200})/,
  build: (m, text) => {
    const gai = gaiFromText(m[2]);
    const name = /HttpRequestException: [^\n(]{1,200}\(([^\s():]{1,254}):\d{1,5}\)/.exec(text)?.[1];
    return fromGai('dotnet', gai, '.NET SocketException', name);
  },
};

export const dotnetHttp: Rule = {
  id: 'dotnet-http',
  keys: ['httprequestexception'],
  re: /HttpRequestException: ([^\n(]{1,200}) \(([^\s():]{1,254}):\d{1,5}\)/,
  build: (m) => fromGai('dotnet', gaiFromText(m[1]), '.NET HttpRequestException', m[2]),
};

export const rubyGetaddrinfo: Rule = {
  id: 'ruby-getaddrinfo',
  keys: ['getaddrinfo'],
  re: /getaddrinfo(?:\(3\))?: ([^\n)]{1,160})/,
  build: (m, text) => {
    const name = /Failed to open TCP connection to ([^\s:]{1,254}):\d/.exec(text)?.[1];
    return fromGai('ruby', gaiFromText(m[1]), 'Ruby getaddrinfo failed', name);
  },
};

export const rubyResolv: Rule = {
  id: 'ruby-resolv',
  keys: ['resolv'],
  re: /Resolv::Resolv(Error: no address for (\S{1,254})|Timeout)/,
  build: (m) =>
    m[2]
      ? {
          tool: 'ruby',
          category: 'ambiguous',
          name: normalizeName(m[2]),
          detail: "Ruby's Resolv found no address for the name.",
        }
      : {
          tool: 'ruby',
          category: 'no-server',
          detail: "Ruby's Resolv timed out waiting for the DNS server.",
        },
};
