/**
 * The pattern table behind `classifyClientError`: one rule per message form, in priority order
 * (most specific first). Each rule has a lower-case literal `key` checked before its regex, so a
 * large paste costs one substring search per rule, and every regex starts with a literal or uses
 * bounded quantifiers (no catastrophic backtracking).
 */
import type { ErrorCategory } from './client-error.js';

export type ClientTool =
  | 'glibc'
  | 'go'
  | 'java'
  | 'python'
  | 'nodejs'
  | 'dotnet'
  | 'ruby'
  | 'php'
  | 'curl'
  | 'wget'
  | 'ping'
  | 'dig'
  | 'nslookup-glibc'
  | 'nslookup-busybox'
  | 'host'
  | 'nginx'
  | 'postgres'
  | 'mysql'
  | 'redis'
  | 'mongodb'
  | 'unknown';

export const TOOL_LABELS: Record<ClientTool, string> = {
  glibc: 'getaddrinfo (C library)',
  go: 'Go net resolver',
  java: 'Java',
  python: 'Python',
  nodejs: 'Node.js',
  dotnet: '.NET',
  ruby: 'Ruby',
  php: 'PHP',
  curl: 'curl',
  wget: 'wget',
  ping: 'ping',
  dig: 'dig',
  'nslookup-glibc': 'nslookup (BIND)',
  'nslookup-busybox': 'nslookup (BusyBox)',
  host: 'host',
  nginx: 'nginx resolver',
  postgres: 'PostgreSQL client (libpq)',
  mysql: 'MySQL client',
  redis: 'Redis client',
  mongodb: 'MongoDB driver',
  unknown: 'unknown client',
};

/** What one rule concluded from one message. */
export interface Verdict {
  tool: ClientTool;
  /** Replaces the tool's label (BusyBox applets, CoreDNS log lines). */
  label?: string;
  category: ErrorCategory;
  rcode?: string;
  name?: string;
  server?: string;
  /** What the message literally reports, in plain words. */
  detail: string;
  /** Replaces the category's next step when the message calls for a different one. */
  nextStep?: string;
}

export interface Rule {
  id: string;
  /** Lower-case literals: a line must contain one of them before the regex runs (none: always). */
  keys: readonly string[];
  re: RegExp;
  /** Match the whole text rather than line by line (multi-line tool output). */
  whole?: boolean;
  build: (m: RegExpExecArray, text: string) => Verdict | undefined;
}

// ---- shared pieces ---------------------------------------------------------------------------

const IP4 = String.raw`\d{1,3}(?:\.\d{1,3}){3}`;
const IP6 = '[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}';
/** ip:port as Go and Node print it (`10.96.0.10:53`, `[fd00::a]:53`). */
const IP_PORT = String.raw`(?:\[${IP6}\]|${IP4}):\d{1,5}`;
/** ip#port as BIND tools print it. */
const IP_HASH = String.raw`(?:${IP6}|${IP4})#\d{1,5}`;

/** `10.96.0.10#53`, `/10.96.0.10:53`, `Do53:10.96.0.10@53`, `fd00::a` -> `ip:port` (53 by default). */
export function normalizeServer(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const s = raw
    .trim()
    .replace(/^\/+/, '')
    .replace(/^Do53:/i, '');
  const v4 = new RegExp(String.raw`^(${IP4})(?:[:#@](\d{1,5}))?$`).exec(s);
  if (v4?.[1]) return `${v4[1]}:${v4[2] ?? '53'}`;
  const v6b = new RegExp(String.raw`^\[(${IP6})\](?::(\d{1,5}))?$`).exec(s);
  if (v6b?.[1]) return `[${v6b[1]}]:${v6b[2] ?? '53'}`;
  const v6 = new RegExp(String.raw`^(${IP6})(?:[#@](\d{1,5}))?$`).exec(s);
  if (v6?.[1]) return `[${v6[1]}]:${v6[2] ?? '53'}`;
  return undefined;
}

/** Strips quotes and the trailing root dot; undefined unless it looks like a DNS name. */
export function normalizeName(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const s = raw
    .trim()
    .replace(/^[‘’'"`<(]+/, '')
    .replace(/[‘’'"`>),;]+$/, '')
    .replace(/\.$/, '');
  if (s.length === 0 || s.length > 253) return undefined;
  return /^[A-Za-z0-9_*](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/.test(s) ? s : undefined;
}

/** The category an rcode stands for once a server has answered with it. */
export function rcodeCategory(rcode: string): ErrorCategory {
  if (rcode === 'NXDOMAIN') return 'nxdomain';
  if (rcode === 'NOERROR') return 'unknown';
  return 'server-error';
}

interface Gai {
  category: ErrorCategory;
  what: string;
}

/** getaddrinfo reasons as the C libraries word them (glibc, musl, BSD, Windows, .NET). Longest first. */
const GAI_TEXTS: readonly (readonly [string, Gai])[] = [
  ['temporary failure in name resolution', { category: 'temporary', what: "glibc's EAI_AGAIN" }],
  [
    'non-recoverable failure in name resolution',
    { category: 'server-error', what: "glibc's EAI_FAIL (the server answered REFUSED, FORMERR or NOTIMP)" },
  ],
  [
    'no address associated with hostname',
    { category: 'nxdomain', what: 'EAI_NODATA: the name exists but has no address record (NODATA)' },
  ],
  ['name or service not known', { category: 'ambiguous', what: "glibc's EAI_NONAME" }],
  [
    'name does not resolve',
    {
      category: 'nxdomain',
      what: "musl's EAI_NONAME, which musl (Alpine) returns only after an NXDOMAIN answer (timeouts give 'Try again')",
    },
  ],
  [
    'name has no usable address',
    { category: 'nxdomain', what: "musl's EAI_NODATA: the name exists but has no address record" },
  ],
  [
    'non-recoverable error',
    {
      category: 'server-error',
      what: "musl's EAI_FAIL (the server answered with an error other than SERVFAIL)",
    },
  ],
  ['nodename nor servname provided', { category: 'ambiguous', what: 'EAI_NONAME (BSD/macOS wording)' }],
  ['temporary error during hostname resolution', { category: 'temporary', what: "Windows' WSATRY_AGAIN" }],
  ['no such host is known', { category: 'ambiguous', what: "Windows' WSAHOST_NOT_FOUND" }],
  [
    'resource temporarily unavailable',
    { category: 'temporary', what: 'EAI_AGAIN as .NET words it on Linux' },
  ],
  [
    'no such device or address',
    { category: 'ambiguous', what: 'a host-not-found error as older .NET Core words it on Linux' },
  ],
  ['try again', { category: 'temporary', what: "musl's EAI_AGAIN" }],
  ['system error', { category: 'ambiguous', what: 'EAI_SYSTEM (a local error, not a DNS answer)' }],
  ['unknown error', { category: 'ambiguous', what: 'a getaddrinfo failure the runtime could not name' }],
];

export function gaiFromText(reason: string | undefined): Gai | undefined {
  if (!reason) return undefined;
  const lower = reason.toLowerCase();
  for (const [text, gai] of GAI_TEXTS) if (lower.includes(text)) return gai;
  return undefined;
}

/** getaddrinfo error numbers (glibc and musl agree on these) and the Windows WSA ones. */
const GAI_ERRNOS: Record<string, Gai> = {
  '-2': { category: 'ambiguous', what: 'EAI_NONAME (-2)' },
  '-3': { category: 'temporary', what: 'EAI_AGAIN (-3)' },
  '-4': { category: 'server-error', what: 'EAI_FAIL (-4): the server answered REFUSED, FORMERR or NOTIMP' },
  '-5': { category: 'nxdomain', what: 'EAI_NODATA (-5): the name exists but has no address record' },
  '8': { category: 'ambiguous', what: 'EAI_NONAME (8, macOS)' },
  '11001': { category: 'ambiguous', what: 'WSAHOST_NOT_FOUND (11001, Windows)' },
  '11002': { category: 'temporary', what: 'WSATRY_AGAIN (11002, Windows)' },
  '11004': { category: 'nxdomain', what: 'WSANO_DATA (11004, Windows): no address record' },
};

/** The reason text wins over the number: it tells musl's -2 (NXDOMAIN) from glibc's (ambiguous). */
export function gaiFromErrno(errno: string | undefined, reason?: string): Gai | undefined {
  if (!errno) return gaiFromText(reason);
  const byNumber = GAI_ERRNOS[errno];
  if (!byNumber) return undefined;
  return gaiFromText(reason) ?? byNumber;
}

/** c-ares status texts (curl built with c-ares, gRPC, Node's dns.resolve*). */
const ARES_TEXTS: readonly (readonly [string, ErrorCategory, string?])[] = [
  ['domain name not found', 'nxdomain', 'NXDOMAIN'],
  ['dns server returned answer with no data', 'nxdomain'],
  ['dns server returned general failure', 'server-error', 'SERVFAIL'],
  ['dns server refused query', 'server-error', 'REFUSED'],
  ['dns server claims query was misformatted', 'server-error', 'FORMERR'],
  ['dns server does not implement requested operation', 'server-error', 'NOTIMP'],
  ['timeout while contacting dns servers', 'no-server'],
  ['could not contact dns servers', 'no-server'],
];

function aresFromText(text: string): { category: ErrorCategory; rcode?: string; what: string } | undefined {
  const lower = text.toLowerCase();
  for (const [t, category, rcode] of ARES_TEXTS) {
    if (lower.includes(t)) return rcode ? { category, rcode, what: `'${t}'` } : { category, what: `'${t}'` };
  }
  return undefined;
}

/** The getaddrinfo texts that identify a C library error on their own. */
const LIBC_TEXTS = [
  'Name or service not known',
  'Temporary failure in name resolution',
  'No address associated with hostname',
  'Non-recoverable failure in name resolution',
  'Name does not resolve',
  'Name has no usable address',
];

/** The token just before a match (`<name>: <reason>`), read backwards over a short window. */
function tokenBefore(m: RegExpExecArray, re: RegExp): string | undefined {
  const before = m.input.slice(Math.max(0, m.index - 300), m.index);
  return re.exec(before)?.[1];
}

/** Fills a verdict from a getaddrinfo reason; undefined when the reason is not a resolver error. */
function fromGai(tool: ClientTool, gai: Gai | undefined, prefix: string, name?: string): Verdict | undefined {
  if (!gai) return undefined;
  return { tool, category: gai.category, name: normalizeName(name), detail: `${prefix}: ${gai.what}.` };
}

/** Database clients whose Node.js or C-library messages carry no wording of their own. */
export function databaseFromContext(text: string): ClientTool | undefined {
  if (/mongo/i.test(text)) return 'mongodb';
  if (/redis/i.test(text)) return 'redis';
  if (/postgres|\bpsql\b|libpq/i.test(text)) return 'postgres';
  if (/mysql|mariadb/i.test(text)) return 'mysql';
  return undefined;
}

/** Which BIND-style tool printed a shared line such as ";; connection timed out". */
function bindTool(text: string): ClientTool {
  if (/\bnslookup\b|^Server:\s/m.test(text)) return nslookupFlavor(text);
  if (/^\$?\s*host\s|^Host \S+ not found|Using domain server:/m.test(text)) return 'host';
  return 'dig';
}

/** BusyBox prints `Address: 10.96.0.10:53` (or `Address 1:`), BIND `Address: 10.96.0.10#53`. */
function nslookupFlavor(text: string, rawName?: string): ClientTool {
  if (/busybox/i.test(text) || /^Address(?: \d+)?:\s+\S+:\d+\s*$|^Address \d+:/m.test(text)) {
    return 'nslookup-busybox';
  }
  if (rawName?.endsWith('.')) return 'nslookup-busybox';
  return 'nslookup-glibc';
}

// ---- Go --------------------------------------------------------------------------------------

const GO_TRANSPORT = new RegExp(
  String.raw`\b(dial|read|write) (udp|tcp)[46]? (?:[0-9A-Fa-f.:\[\]%]{1,64}->)?(${IP_PORT})?`,
);

/** Reads the error after `lookup <name> [on <server>]: ` the way net.DNSError words it. */
function goVerdict(
  name: string | undefined,
  onServer: string | undefined,
  rest: string,
): Verdict | undefined {
  const lower = rest.toLowerCase();
  const transport = GO_TRANSPORT.exec(rest);
  const server = normalizeServer(onServer ?? transport?.[3]);
  const base = { tool: 'go' as const, name: normalizeName(name), server };
  const from = server ? ` from ${server}` : '';
  if (lower.includes('no such host')) {
    // With "on <server>" the pure-Go resolver got NXDOMAIN (or no address record); without it
    // the lookup went through the C library (cgo), which also says it for EAI_NONAME.
    return server
      ? { ...base, category: 'nxdomain', detail: `The Go resolver got 'no such host'${from}.` }
      : {
          ...base,
          category: 'ambiguous',
          detail:
            "Go says 'no such host' without naming a server: the lookup went through the C library (cgo), which reports EAI_NONAME this way.",
        };
  }
  if (lower.includes('server misbehaving')) {
    return {
      ...base,
      category: 'server-error',
      detail: `The Go resolver got an error answer${from} ('server misbehaving': SERVFAIL, REFUSED or another non-NXDOMAIN code; Go does not say which).`,
    };
  }
  if (lower.includes('lame referral')) {
    return { ...base, category: 'server-error', detail: `The Go resolver got a lame referral${from}.` };
  }
  if (/cannot unmarshal dns message|unpack truncated message|no answer from dns server/.test(lower)) {
    return {
      ...base,
      category: 'truncated',
      detail: `The Go resolver could not use the answer${from}: it was truncated or too large for its buffer.`,
    };
  }
  if (/i\/o timeout|timed out|deadline exceeded/.test(lower)) {
    const tcp =
      transport?.[2] === 'tcp' ? ' over TCP (Go uses TCP after a truncated UDP answer, or with use-vc)' : '';
    return {
      ...base,
      category: 'no-server',
      detail: `The Go resolver timed out waiting for ${server ?? 'the DNS server'}${tcp}.`,
    };
  }
  const unreachable =
    /connection refused|network is unreachable|no route to host|host is unreachable|operation not permitted/.exec(
      lower,
    );
  if (unreachable) {
    return {
      ...base,
      category: 'no-server',
      detail: `The Go resolver could not reach ${server ?? 'the DNS server'}: ${unreachable[0]}.`,
    };
  }
  if (lower.includes('operation was canceled')) {
    return { ...base, category: 'unknown', detail: 'The caller cancelled the Go lookup before it finished.' };
  }
  const gai = gaiFromText(rest);
  if (gai) return { ...base, category: gai.category, detail: `Go's cgo lookup failed with ${gai.what}.` };
  return undefined;
}

// ---- Node.js ---------------------------------------------------------------------------------

const NODE_QUERY_CODES: Record<string, { category: ErrorCategory; rcode?: string; what: string }> = {
  ENOTFOUND: { category: 'nxdomain', what: 'the server answered that the name does not exist' },
  ENODATA: { category: 'nxdomain', what: 'the name exists but has no record of that type' },
  ESERVFAIL: { category: 'server-error', rcode: 'SERVFAIL', what: 'the server answered SERVFAIL' },
  EREFUSED: { category: 'server-error', rcode: 'REFUSED', what: 'the server answered REFUSED' },
  EFORMERR: { category: 'server-error', rcode: 'FORMERR', what: 'the server answered FORMERR' },
  ENOTIMP: { category: 'server-error', rcode: 'NOTIMP', what: 'the server answered NOTIMP' },
  EBADRESP: { category: 'server-error', what: 'the server sent a malformed answer' },
  ETIMEOUT: { category: 'no-server', what: 'no DNS server answered in time' },
  ECONNREFUSED: { category: 'no-server', what: 'the DNS server could not be contacted' },
  EOF: { category: 'no-server', what: 'the connection to the DNS server closed' },
};

const NODE_GAI_CODES: Record<string, { category: ErrorCategory; what: string }> = {
  ENOTFOUND: { category: 'ambiguous', what: 'ENOTFOUND (EAI_NONAME or EAI_NODATA from the C library)' },
  EAI_NONAME: { category: 'ambiguous', what: 'EAI_NONAME' },
  EAI_AGAIN: { category: 'temporary', what: 'EAI_AGAIN' },
  EAI_FAIL: { category: 'server-error', what: 'EAI_FAIL (the server answered REFUSED, FORMERR or NOTIMP)' },
  EAI_NODATA: { category: 'nxdomain', what: 'EAI_NODATA (the name has no address record)' },
};

// ---- the table -------------------------------------------------------------------------------

export const RULES: readonly Rule[] = [
  {
    id: 'dig-header',
    keys: ['->>header<<-'],
    whole: true,
    re: /->>HEADER<<- opcode: \w{1,10}, status: ([A-Z]{2,10})/,
    build: (m, text) => {
      const rcode = m[1] ?? '';
      const name = /^;([^\s;]{1,254})\s+(?:\d{1,10}\s+)?IN\s+[A-Z]{1,10}\s*$/m.exec(text)?.[1];
      const server = normalizeServer(new RegExp(`^;; SERVER: (${IP_HASH})`, 'm').exec(text)?.[1]);
      const base = { tool: 'dig' as const, rcode, name: normalizeName(name), server };
      if (rcode === 'NOERROR') {
        const flags = /^;; flags: ([a-z ]{1,40});/m.exec(text)?.[1] ?? '';
        if (/\btc\b/.test(flags)) {
          return {
            ...base,
            category: 'truncated',
            detail: 'dig shows the tc flag: the answer was truncated (too big for UDP).',
          };
        }
        if (/\bANSWER: 0\b/.test(text)) {
          return {
            ...base,
            category: 'nxdomain',
            detail:
              'dig got NOERROR with no answer (NODATA): the name exists but has no record of that type.',
          };
        }
        return {
          ...base,
          category: 'unknown',
          detail: 'dig got a successful answer (NOERROR): this output shows no DNS failure.',
        };
      }
      return {
        ...base,
        category: rcodeCategory(rcode),
        detail: `dig got status ${rcode} in the answer header.`,
      };
    },
  },
  {
    id: 'bind-truncated-tcp-failed',
    keys: ['truncated, retrying in tcp mode'],
    whole: true,
    re: /;; Truncated, retrying in TCP mode\./,
    build: (_m, text) => {
      // Only a failure when the TCP retry failed too: a later header means TCP worked.
      if (text.includes('->>HEADER<<-')) return undefined;
      if (
        !/communications error|connection timed out|no servers could be reached|Connection to \S+ for \S+ failed|connection refused|end of file/i.test(
          text,
        )
      ) {
        return undefined;
      }
      const server = normalizeServer(new RegExp(`(${IP_HASH})`).exec(text)?.[1]);
      return {
        tool: bindTool(text),
        category: 'truncated',
        server,
        detail: 'The UDP answer was truncated and the retry over TCP failed.',
      };
    },
  },
  {
    id: 'coredns-errors-plugin',
    keys: ['plugin/errors:'],
    re: /plugin\/errors: (\d{1,2}) (\S{1,254}) ([A-Z]{1,10}): (.{0,400})/,
    build: (m) => {
      const rcodes: Record<string, string> = { '2': 'SERVFAIL', '3': 'NXDOMAIN', '5': 'REFUSED' };
      const rcode = rcodes[m[1] ?? ''] ?? `RCODE${m[1]}`;
      const upstream = new RegExp(`->(${IP_PORT})`).exec(m[4] ?? '')?.[1];
      return {
        tool: 'unknown',
        label: 'CoreDNS log (errors plugin)',
        category: rcodeCategory(rcode),
        rcode,
        name: normalizeName(m[2]),
        server: normalizeServer(upstream),
        detail: `This is a CoreDNS log line, not a client error: CoreDNS answered ${rcode} because its upstream${upstream ? ` ${upstream}` : ''} failed (${(m[4] ?? '').trim()}).`,
        nextStep:
          'Diagnose network connectivity of the CoreDNS pod (to the upstream DNS servers), as the guide says for this log line under "What to do if CoreDNS pods are not running as expected".',
      };
    },
  },
  {
    id: 'nslookup-cant-find',
    keys: ["server can't find"],
    re: /\*\* server can't find ([^\s:]{1,254}): ([A-Z]{2,10})/,
    build: (m, text) => {
      const rcode = m[2] ?? '';
      const server = normalizeServer(/^Address(?: 1)?:\s+(\S{1,64})/m.exec(text)?.[1]);
      return {
        tool: nslookupFlavor(text, m[1]),
        category: rcodeCategory(rcode),
        rcode,
        name: normalizeName(m[1]),
        server,
        detail: `nslookup got ${rcode} for the name.`,
      };
    },
  },
  {
    id: 'host-not-found',
    keys: ['not found:'],
    re: /\bHost (\S{1,254}) not found: (\d{1,2})\(([A-Z]{2,10})\)/,
    build: (m) => {
      const rcode = m[3] ?? '';
      return {
        tool: 'host',
        category: rcodeCategory(rcode),
        rcode,
        name: normalizeName(m[1]),
        detail: `host got ${m[2]}(${rcode}) for the name.`,
      };
    },
  },
  {
    id: 'nginx-resolver',
    keys: ['could not be resolved ('],
    re: /could not be resolved \((\d{1,3}): ([^)]{1,40})\)/,
    build: (m) => {
      const codes: Record<string, string> = {
        '1': 'FORMERR',
        '2': 'SERVFAIL',
        '3': 'NXDOMAIN',
        '4': 'NOTIMP',
        '5': 'REFUSED',
      };
      const code = m[1] ?? '';
      const rcode = codes[code];
      const name = normalizeName(tokenBefore(m, /(\S{1,254}) $/));
      if (code === '110') {
        return {
          tool: 'nginx',
          category: 'no-server',
          name,
          detail: "nginx's resolver timed out (110: Operation timed out).",
        };
      }
      if (!rcode)
        return {
          tool: 'nginx',
          category: 'unknown',
          name,
          detail: `nginx's resolver failed (${code}: ${m[2]}).`,
        };
      return {
        tool: 'nginx',
        category: rcodeCategory(rcode),
        rcode,
        name,
        detail: `nginx's resolver got ${rcode} (${code}: ${m[2]}).`,
      };
    },
  },
  {
    id: 'nginx-startup',
    keys: ['host not found in'],
    re: /host not found in (upstream|resolver|\w{1,20}) "([^"\s]{1,260})"/,
    build: (m) => ({
      tool: 'nginx',
      category: 'ambiguous',
      name: normalizeName((m[2] ?? '').replace(/:\d{1,5}$/, '')),
      detail: `nginx could not resolve the ${m[1]} host at startup (through getaddrinfo, which does not say why).`,
    }),
  },
  {
    id: 'nginx-no-resolver',
    keys: ['no resolver defined to resolve'],
    re: /no resolver defined to resolve (\S{1,254})/,
    build: (m) => ({
      tool: 'nginx',
      category: 'unknown',
      name: normalizeName(m[1]),
      detail:
        'nginx has no `resolver` directive, so it never asked DNS: a configuration issue, not a DNS failure.',
      nextStep:
        'Add a `resolver` directive with the cluster DNS IP (kube-dns Service) to the nginx configuration.',
    }),
  },
  {
    id: 'go-lookup',
    keys: ['lookup '],
    re: new RegExp(String.raw`\blookup ([^\s:]{1,254})(?: on (${IP_PORT}))?: (.{1,600})`),
    build: (m) => goVerdict(m[1], m[2], m[3] ?? ''),
  },
  {
    id: 'node-query',
    keys: ['query'],
    re: /\b(query[A-Z][a-z]{0,6}|getHostByAddr) (E[A-Z]{2,14})\b(?: (\S{1,254}))?/,
    build: (m, text) => {
      const code = NODE_QUERY_CODES[m[2] ?? ''];
      if (!code) return undefined;
      // MongoDB's mongodb+srv:// URIs are the usual source of SRV and TXT lookups in Node.js.
      const tool: ClientTool = /mongo/i.test(text) ? 'mongodb' : 'nodejs';
      const base = { tool, category: code.category, name: normalizeName(m[3]) };
      const detail = `Node.js ${m[1]} (c-ares) failed with ${m[2]}: ${code.what}.`;
      return code.rcode ? { ...base, rcode: code.rcode, detail } : { ...base, detail };
    },
  },
  {
    id: 'node-getaddrinfo',
    keys: ['getaddrinfo e'],
    re: /\bgetaddrinfo (E[A-Z_]{2,14})\b(?: (\S{1,254}))?/,
    build: (m, text) => {
      const code = NODE_GAI_CODES[m[1] ?? ''];
      if (!code) return undefined;
      const tool = databaseFromContext(text) ?? 'nodejs';
      return {
        tool,
        category: code.category,
        name: normalizeName(m[2]),
        detail: `Node.js getaddrinfo failed with ${code.what}.`,
      };
    },
  },
  {
    id: 'node-connect-dns',
    keys: ['econnrefused'],
    re: new RegExp(String.raw`\bconnect ECONNREFUSED (${IP4}:53|\[${IP6}\]:53)\b`),
    build: (m) => ({
      tool: 'nodejs',
      category: 'no-server',
      server: normalizeServer(m[1]),
      detail: 'Node.js could not connect to the DNS server (connection refused on port 53).',
    }),
  },
  {
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
  },
  {
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
  },
  {
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
  },
  {
    id: 'dnspython-noanswer',
    keys: ['does not contain an answer to the question'],
    re: /does not contain an answer to the question: (\S{1,254}) IN \w{1,10}/,
    build: (m) => ({
      tool: 'python',
      category: 'nxdomain',
      name: normalizeName(m[1]),
      detail:
        'dnspython got NOERROR with no answer (NODATA): the name exists but has no record of that type.',
    }),
  },
  {
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
  },
  {
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
  },
  {
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
  },
  {
    id: 'dotnet-socket',
    keys: ['socketexception'],
    re: /SocketException(?: \(([0-9A-Fa-fx, ]{1,40})\))?: ([^\n]{1,200})/,
    build: (m, text) => {
      const gai = gaiFromText(m[2]);
      const name = /HttpRequestException: [^\n(]{1,200}\(([^\s():]{1,254}):\d{1,5}\)/.exec(text)?.[1];
      return fromGai('dotnet', gai, '.NET SocketException', name);
    },
  },
  {
    id: 'dotnet-http',
    keys: ['httprequestexception'],
    re: /HttpRequestException: ([^\n(]{1,200}) \(([^\s():]{1,254}):\d{1,5}\)/,
    build: (m) => fromGai('dotnet', gaiFromText(m[1]), '.NET HttpRequestException', m[2]),
  },
  {
    id: 'postgres',
    keys: ['could not translate host name'],
    re: /could not translate host name "([^"]{1,254})" to address: ([^\n]{1,200})/,
    build: (m) => fromGai('postgres', gaiFromText(m[2]), 'libpq could not resolve the host', m[1]),
  },
  {
    id: 'mysql',
    keys: ['server host'],
    re: /Unknown (?:MySQL )?server host '([^']{1,254})' \((-?\d{1,6})\)/,
    build: (m) => fromGai('mysql', gaiFromErrno(m[2]), 'The MySQL client could not resolve the host', m[1]),
  },
  {
    id: 'redis-cli',
    keys: ['could not connect to redis at'],
    re: /Could not connect to Redis at ([^\s:]{1,254}):\d{1,5}: ([^\n]{1,200})/,
    build: (m) => fromGai('redis', gaiFromText(m[2]), 'redis-cli could not resolve the host', m[1]),
  },
  {
    id: 'redis-py',
    keys: ['connecting to'],
    re: /Error (-?\d{1,6}) connecting to ([^\s:]{1,254}):\d{1,5}\. ([^\n]{1,200})/,
    build: (m) => fromGai('redis', gaiFromErrno(m[1], m[3]), 'redis-py could not resolve the host', m[2]),
  },
  {
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
  },
  {
    id: 'python-aiohttp',
    keys: ['cannot connect to host'],
    re: /Cannot connect to host ([^\s:]{1,254}):\d{1,5} ssl:\S{1,40} \[([^\]\n]{1,160})\]/,
    build: (m) => fromGai('python', gaiFromText(m[2]), 'aiohttp could not resolve the host', m[1]),
  },
  {
    id: 'python-urllib3',
    keys: ['failed to resolve'],
    re: /NameResolutionError.{0,200}?Failed to resolve '([^'\s]{1,254})'/,
    build: (m) => ({
      tool: 'python',
      category: 'ambiguous',
      name: normalizeName(m[1]),
      detail: 'urllib3 could not resolve the host and did not keep the C library reason.',
    }),
  },
  {
    id: 'ruby-getaddrinfo',
    keys: ['getaddrinfo'],
    re: /getaddrinfo(?:\(3\))?: ([^\n)]{1,160})/,
    build: (m, text) => {
      const name = /Failed to open TCP connection to ([^\s:]{1,254}):\d/.exec(text)?.[1];
      return fromGai('ruby', gaiFromText(m[1]), 'Ruby getaddrinfo failed', name);
    },
  },
  {
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
  },
  {
    id: 'php',
    keys: ['php_network_getaddresses'],
    re: /php_network_getaddresses: (?:getaddrinfo(?: for (\S{1,254}))? failed: ([^\n]{1,200})|gethostbyname failed)/,
    build: (m) => {
      if (m[2] === undefined) {
        return {
          tool: 'php',
          category: 'ambiguous',
          detail: 'PHP gethostbyname failed (it does not say why).',
        };
      }
      return fromGai('php', gaiFromText(m[2]), 'PHP getaddrinfo failed', m[1]);
    },
  },
  {
    id: 'curl-resolve-timeout',
    keys: ['resolving timed out after'],
    re: /Resolving timed out after (\d{1,9}) milliseconds/,
    build: (m) => ({
      tool: 'curl',
      category: 'no-server',
      detail: `curl gave up waiting for the DNS answer after ${m[1]} ms.`,
    }),
  },
  {
    id: 'curl-resolve',
    keys: ['resolve'],
    re: /Could(?: not|n't) resolve (host|proxy)(?:: | ')([^\s';]{1,254})'?([^\n]{0,120})/,
    build: (m) => {
      const ares = aresFromText(m[3] ?? '');
      const name = normalizeName(m[2]);
      const what = m[1] === 'proxy' ? 'the proxy host' : 'the host';
      if (ares) {
        const base = {
          tool: 'curl' as const,
          category: ares.category,
          name,
          detail: `curl (with c-ares) could not resolve ${what}: ${ares.what}.`,
        };
        return ares.rcode ? { ...base, rcode: ares.rcode } : base;
      }
      return {
        tool: 'curl',
        category: 'ambiguous',
        name,
        detail: `curl (6) could not resolve ${what} and does not say why.`,
      };
    },
  },
  {
    id: 'wget-resolving',
    keys: ['resolving '],
    re: /Resolving ([^\s(]{1,254}?)(?: \([^)\n]{0,260}\))?\.\.\. failed: ([^\n]{1,160})/,
    build: (m) => fromGai('wget', gaiFromText(m[2]), 'wget could not resolve the host', m[1]),
  },
  {
    id: 'wget-unable',
    keys: ['unable to resolve host address'],
    re: /unable to resolve host address [‘'"]?([^’'"\s]{1,254})/,
    build: (m) => ({
      tool: 'wget',
      category: 'ambiguous',
      name: normalizeName(m[1]),
      detail:
        'wget could not resolve the host (the "Resolving ... failed:" line above it, if present, says why).',
    }),
  },
  {
    id: 'busybox-bad-address',
    keys: ['bad address'],
    re: /(?:^|\s)([a-z0-9-]{1,20}): bad address '([^'\n]{0,254})'/,
    build: (m) => {
      const applet = m[1] ?? '';
      const tool: ClientTool =
        applet === 'ping' || applet === 'ping6' ? 'ping' : applet === 'wget' ? 'wget' : 'unknown';
      const v: Verdict = {
        tool,
        category: 'ambiguous',
        name: normalizeName(m[2]),
        detail: `BusyBox ${applet} says 'bad address' for any getaddrinfo failure.`,
      };
      return tool === 'unknown' ? { ...v, label: `BusyBox ${applet}` } : v;
    },
  },
  {
    id: 'ping-gai',
    keys: ['ping'],
    re: /\bping6?: ([^\s:]{1,254}): ([^\n]{1,120})/,
    build: (m) => fromGai('ping', gaiFromText(m[2]), 'ping (iputils) could not resolve the host', m[1]),
  },
  {
    id: 'ping-unknown-host',
    keys: ['unknown host'],
    re: /\bping6?: (?:cannot resolve (\S{1,254}): Unknown host|unknown host:? (\S{1,254}))/i,
    build: (m) => ({
      tool: 'ping',
      category: 'ambiguous',
      name: normalizeName(m[1] ?? m[2]),
      detail: "ping says 'unknown host' for any resolution failure.",
    }),
  },
  {
    id: 'nslookup-got-reply',
    keys: [';; got '],
    re: new RegExp(`;; Got ([A-Za-z ]{2,40}?) (?:reply )?from (${IP6}|${IP4})`),
    build: (m, text) => {
      const what = (m[1] ?? '').trim();
      const rcode = /^[A-Z]{2,10}$/.test(what) ? what : undefined;
      const v: Verdict = {
        tool: nslookupFlavor(text),
        category: rcode ? rcodeCategory(rcode) : 'server-error',
        server: normalizeServer(m[2]),
        detail: `nslookup got ${what} from the server.`,
      };
      return rcode ? { ...v, rcode } : v;
    },
  },
  {
    id: 'nslookup-no-answer',
    keys: ["can't find"],
    re: /\*\*\* Can't find ([^\s:]{1,254}): No answer/,
    build: (m, text) => ({
      tool: nslookupFlavor(text, m[1]),
      category: 'nxdomain',
      name: normalizeName(m[1]),
      detail: 'nslookup got NOERROR with no answer (NODATA): the name exists but has no record of that type.',
    }),
  },
  {
    id: 'nslookup-busybox-cant-resolve',
    keys: ["nslookup: can't resolve"],
    re: /nslookup: can't resolve '([^'\n]{0,254})'(?:: ([^\n]{1,120}))?/,
    build: (m) => {
      const gai = gaiFromText(m[2]);
      return {
        tool: 'nslookup-busybox',
        category: gai?.category ?? 'ambiguous',
        name: normalizeName(m[1]),
        detail: `Old BusyBox nslookup (getaddrinfo-based) could not resolve the name${gai ? `: ${gai.what}` : ' and does not say why'}.`,
      };
    },
  },
  {
    id: 'bind-comm-error',
    keys: ['communications error to'],
    re: new RegExp(`;; communications error to (${IP_HASH}): ([a-z ]{2,40})`),
    build: (m, text) => ({
      tool: bindTool(text),
      category: 'no-server',
      server: normalizeServer(m[1]),
      detail: `The DNS server did not answer (${(m[2] ?? '').trim()}).`,
    }),
  },
  {
    id: 'bind-setup-failed',
    keys: ['setup with'],
    re: new RegExp(
      String.raw`;; (?:UDP|TCP) setup with (${IP_HASH})\(\S{1,64}\) for (\S{1,254}) failed: ([a-z ]{2,40})`,
    ),
    build: (m, text) => ({
      tool: bindTool(text),
      category: 'no-server',
      name: normalizeName(m[2]),
      server: normalizeServer(m[1]),
      detail: `The query could not even be sent (${(m[3] ?? '').trim()}).`,
    }),
  },
  {
    id: 'bind-no-servers',
    keys: ['no servers could be reached'],
    re: /(?:connection timed out; )?no servers could be reached/,
    build: (_m, text) => ({
      tool: bindTool(text),
      category: 'no-server',
      server: normalizeServer(
        new RegExp(String.raw`^(?:;; SERVER: |Address:\s+)(${IP_HASH})`, 'm').exec(text)?.[1],
      ),
      detail: 'No DNS server answered ("connection timed out; no servers could be reached").',
    }),
  },
  {
    id: 'go-transport',
    keys: [':53'],
    re: new RegExp(
      String.raw`\b(?:read|write|dial) (udp|tcp)[46]? (?:[0-9A-Fa-f.:\[\]%]{1,64}->)?(${IP_PORT}): ([^\n]{1,160})`,
    ),
    build: (m) => {
      if (!/:53$/.test(m[2] ?? '')) return undefined;
      return goVerdict(undefined, m[2], `${m[1]} ${m[2]}: ${m[3]}`);
    },
  },
  {
    id: 'go-bare',
    keys: ['no such host'],
    re: /\bno such host\b/,
    build: () => goVerdict(undefined, undefined, 'no such host'),
  },
  {
    id: 'c-ares-text',
    keys: ['domain name not found', 'dns server'],
    re: /(?:Domain name not found|DNS server returned (?:answer with no data|general failure)|DNS server refused query|Timeout while contacting DNS servers|Could not contact DNS servers)/,
    build: (m) => {
      const ares = aresFromText(m[0]);
      if (!ares) return undefined;
      const v: Verdict = {
        tool: 'unknown',
        label: 'c-ares resolver',
        category: ares.category,
        detail: `c-ares reports ${ares.what}.`,
      };
      return ares.rcode ? { ...v, rcode: ares.rcode } : v;
    },
  },
  {
    id: 'libc-text',
    keys: LIBC_TEXTS.map((t) => t.toLowerCase()),
    re: new RegExp(`(?:${LIBC_TEXTS.join('|')})`),
    build: (m, text) => {
      const gai = gaiFromText(m[0]);
      if (!gai) return undefined;
      const v = fromGai('glibc', gai, 'getaddrinfo failed', tokenBefore(m, /([^\s:'"‘’]{1,254}): $/));
      return v ? { ...v, tool: databaseFromContext(text) ?? 'glibc' } : undefined;
    },
  },
  {
    id: 'bare-rcode',
    keys: ['nxdomain', 'servfail', 'refused'],
    re: /\b(NXDOMAIN|SERVFAIL|REFUSED)\b/,
    build: (m) => {
      const rcode = m[1] ?? '';
      return {
        tool: 'unknown',
        category: rcodeCategory(rcode),
        rcode,
        detail: `The message names the DNS response code ${rcode}.`,
      };
    },
  },
];
