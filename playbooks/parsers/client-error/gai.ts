/** getaddrinfo and c-ares reason texts, as runtimes and tools pass them through. */
import { type ClientTool, type ErrorCategory, normalizeName, type Verdict } from './shared.js';

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

export function aresFromText(
  text: string,
): { category: ErrorCategory; rcode?: string; what: string } | undefined {
  const lower = text.toLowerCase();
  for (const [t, category, rcode] of ARES_TEXTS) {
    if (lower.includes(t)) return { category, rcode, what: `'${t}'` };
  }
  return undefined;
}

/** Fills a verdict from a getaddrinfo reason; undefined when the reason is not a resolver error. */
export function fromGai(
  tool: ClientTool,
  gai: Gai | undefined,
  prefix: string,
  name?: string,
): Verdict | undefined {
  if (!gai) return undefined;
  return { tool, category: gai.category, name: normalizeName(name), detail: `${prefix}: ${gai.what}.` };
}
