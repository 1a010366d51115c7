/** The Go net resolver and Node.js (getaddrinfo and c-ares). */
import { gaiFromText } from './gai.js';
import {
  type ClientTool,
  databaseFromContext,
  type ErrorCategory,
  IP_PORT,
  IP4,
  IP6,
  normalizeName,
  normalizeServer,
  type Rule,
  type Verdict,
} from './shared.js';

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

export const goLookup: Rule = {
  id: 'go-lookup',
  keys: ['lookup '],
  re: new RegExp(String.raw`\blookup ([^\s:]{1,254})(?: on (${IP_PORT}))?: (.{1,600})`),
  build: (m) => goVerdict(m[1], m[2], m[3] ?? ''),
};

export const goTransport: Rule = {
  id: 'go-transport',
  keys: [':53'],
  re: new RegExp(
    String.raw`\b(?:read|write|dial) (udp|tcp)[46]? (?:[0-9A-Fa-f.:\[\]%]{1,64}->)?(${IP_PORT}): ([^\n]{1,160})`,
  ),
  build: (m) => {
    if (!/:53$/.test(m[2] ?? '')) return undefined;
    return goVerdict(undefined, m[2], `${m[1]} ${m[2]}: ${m[3]}`);
  },
};

export const goBare: Rule = {
  id: 'go-bare',
  keys: ['no such host'],
  re: /\bno such host\b/,
  build: () => goVerdict(undefined, undefined, 'no such host'),
};

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

export const nodeQuery: Rule = {
  id: 'node-query',
  keys: ['query'],
  re: /\b(query[A-Z][a-z]{0,6}|getHostByAddr) (E[A-Z]{2,14})\b(?: (\S{1,254}))?/,
  build: (m, text) => {
    const code = NODE_QUERY_CODES[m[2] ?? ''];
    if (!code) return undefined;
    // MongoDB's mongodb+srv:// URIs are the usual source of SRV and TXT lookups in Node.js.
    const tool: ClientTool = /mongo/i.test(text) ? 'mongodb' : 'nodejs';
    return {
      tool,
      category: code.category,
      rcode: code.rcode,
      name: normalizeName(m[3]),
      detail: `Node.js ${m[1]} (c-ares) failed with ${m[2]}: ${code.what}.`,
    };
  },
};

export const nodeGetaddrinfo: Rule = {
  id: 'node-getaddrinfo',
  keys: ['getaddrinfo e'],
  re: /\bgetaddrinfo (E[A-Z_]{2,14})\b(?: (\S{1,254}))?/,
  build: (m, text) => {
    const code = NODE_GAI_CODES[m[1] ?? ''];
    if (!code) return undefined;
    // The context around the error, not the name it failed on (`ENOTFOUND postgres` is Node.js).
    const tool = databaseFromContext(text.replace(m[0], ' ')) ?? 'nodejs';
    return {
      tool,
      category: code.category,
      name: normalizeName(m[2]),
      detail: `Node.js getaddrinfo failed with ${code.what}.`,
    };
  },
};

export const nodeConnectDns: Rule = {
  id: 'node-connect-dns',
  keys: ['econnrefused'],
  re: new RegExp(String.raw`\bconnect ECONNREFUSED (${IP4}:53|\[${IP6}\]:53)\b`),
  build: (m) => ({
    tool: 'nodejs',
    category: 'no-server',
    server: normalizeServer(m[1]),
    detail: 'Node.js could not connect to the DNS server (connection refused on port 53).',
  }),
};
