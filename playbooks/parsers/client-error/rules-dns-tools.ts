/** dig, nslookup (BIND and BusyBox) and host output, and an rcode named in prose. */
import { gaiFromText } from './gai.js';
import {
  type ClientTool,
  IP_HASH,
  IP4,
  IP6,
  normalizeName,
  normalizeServer,
  type Rule,
  rcodeCategory,
} from './shared.js';

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

export const digHeader: Rule = {
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
          detail: 'dig got NOERROR with no answer (NODATA): the name exists but has no record of that type.',
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
};

export const bindTruncatedTcpFailed: Rule = {
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
};

export const nslookupCantFind: Rule = {
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
};

export const hostNotFound: Rule = {
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
};

export const nslookupGotReply: Rule = {
  id: 'nslookup-got-reply',
  keys: [';; got '],
  re: new RegExp(`;; Got ([A-Za-z ]{2,40}?) (?:reply )?from (${IP6}|${IP4})`),
  build: (m, text) => {
    const what = (m[1] ?? '').trim();
    const rcode = /^[A-Z]{2,10}$/.test(what) ? what : undefined;
    return {
      tool: nslookupFlavor(text),
      category: rcode ? rcodeCategory(rcode) : 'server-error',
      rcode,
      server: normalizeServer(m[2]),
      detail: `nslookup got ${what} from the server.`,
    };
  },
};

export const nslookupNoAnswer: Rule = {
  id: 'nslookup-no-answer',
  keys: ["can't find"],
  re: /\*\*\* Can't find ([^\s:]{1,254}): No answer/,
  build: (m, text) => ({
    tool: nslookupFlavor(text, m[1]),
    category: 'nxdomain',
    name: normalizeName(m[1]),
    detail: 'nslookup got NOERROR with no answer (NODATA): the name exists but has no record of that type.',
  }),
};

export const nslookupBusyboxCantResolve: Rule = {
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
};

/** BusyBox 1.28+ nslookup sends its own queries: `write to '<server>': <errno text>`. */
export const nslookupBusyboxWriteFailed: Rule = {
  id: 'nslookup-busybox-write-failed',
  keys: ['nslookup: write to'],
  re: new RegExp(`nslookup: write to '((?:${IP6}|${IP4})(?:#\\d{1,5})?)': ([A-Za-z ]{2,40})`),
  build: (m) => ({
    tool: 'nslookup-busybox',
    category: 'no-server',
    server: normalizeServer(m[1]),
    detail: `BusyBox nslookup could not send its query to the server (${(m[2] ?? '').trim()}): nothing listens there, or the path to it is refused.`,
  }),
};

export const bindCommError: Rule = {
  id: 'bind-comm-error',
  keys: ['communications error to'],
  re: new RegExp(`;; communications error to (${IP_HASH}): ([a-z ]{2,40})`),
  build: (m, text) => ({
    tool: bindTool(text),
    category: 'no-server',
    server: normalizeServer(m[1]),
    detail: `The DNS server did not answer (${(m[2] ?? '').trim()}).`,
  }),
};

export const bindSetupFailed: Rule = {
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
};

export const bindNoServers: Rule = {
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
};

export const bareRcode: Rule = {
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
};
