/** The C library's own wording, c-ares text, and the shell tools: PHP, curl, wget, BusyBox, ping. */
import { aresFromText, fromGai, gaiFromText } from './gai.js';
import {
  type ClientTool,
  databaseFromContext,
  normalizeName,
  type Rule,
  tokenBefore,
  type Verdict,
} from './shared.js';

/** The getaddrinfo texts that identify a C library error on their own. */
const LIBC_TEXTS = [
  'Name or service not known',
  'Temporary failure in name resolution',
  'No address associated with hostname',
  'Non-recoverable failure in name resolution',
  'Name does not resolve',
  'Name has no usable address',
];

export const php: Rule = {
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
};

export const curlResolveTimeout: Rule = {
  id: 'curl-resolve-timeout',
  keys: ['resolving timed out after'],
  re: /Resolving timed out after (\d{1,9}) milliseconds/,
  build: (m) => ({
    tool: 'curl',
    category: 'no-server',
    detail: `curl gave up waiting for the DNS answer after ${m[1]} ms.`,
  }),
};

export const curlResolve: Rule = {
  id: 'curl-resolve',
  keys: ['resolve'],
  re: /Could(?: not|n't) resolve (host|proxy)(?:: | ')([^\s';]{1,254})'?([^\n]{0,120})/,
  build: (m) => {
    const ares = aresFromText(m[3] ?? '');
    const name = normalizeName(m[2]);
    const what = m[1] === 'proxy' ? 'the proxy host' : 'the host';
    if (ares) {
      return {
        tool: 'curl',
        category: ares.category,
        rcode: ares.rcode,
        name,
        detail: `curl (with c-ares) could not resolve ${what}: ${ares.what}.`,
      };
    }
    return {
      tool: 'curl',
      category: 'ambiguous',
      name,
      detail: `curl (6) could not resolve ${what} and does not say why.`,
    };
  },
};

export const wgetResolving: Rule = {
  id: 'wget-resolving',
  keys: ['resolving '],
  re: /Resolving ([^\s(]{1,254}?)(?: \([^)\n]{0,260}\))?\.\.\. failed: ([^\n]{1,160})/,
  build: (m) => fromGai('wget', gaiFromText(m[2]), 'wget could not resolve the host', m[1]),
};

export const wgetUnable: Rule = {
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
};

export const busyboxBadAddress: Rule = {
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
};

export const pingGai: Rule = {
  id: 'ping-gai',
  keys: ['ping'],
  re: /\bping6?: ([^\s:]{1,254}): ([^\n]{1,120})/,
  build: (m) => fromGai('ping', gaiFromText(m[2]), 'ping (iputils) could not resolve the host', m[1]),
};

export const pingUnknownHost: Rule = {
  id: 'ping-unknown-host',
  keys: ['unknown host'],
  re: /\bping6?: (?:cannot resolve (\S{1,254}): Unknown host|unknown host:? (\S{1,254}))/i,
  build: (m) => ({
    tool: 'ping',
    category: 'ambiguous',
    name: normalizeName(m[1] ?? m[2]),
    detail: "ping says 'unknown host' for any resolution failure.",
  }),
};

export const caresText: Rule = {
  id: 'c-ares-text',
  keys: ['domain name not found', 'dns server'],
  re: /(?:Domain name not found|DNS server returned (?:answer with no data|general failure)|DNS server refused query|Timeout while contacting DNS servers|Could not contact DNS servers)/,
  build: (m) => {
    const ares = aresFromText(m[0]);
    if (!ares) return undefined;
    return {
      tool: 'unknown',
      label: 'c-ares resolver',
      category: ares.category,
      rcode: ares.rcode,
      detail: `c-ares reports ${ares.what}.`,
    };
  },
};

export const libcText: Rule = {
  id: 'libc-text',
  keys: LIBC_TEXTS.map((t) => t.toLowerCase()),
  re: new RegExp(`(?:${LIBC_TEXTS.join('|')})`),
  build: (m, text) => {
    const gai = gaiFromText(m[0]);
    if (!gai) return undefined;
    const v = fromGai('glibc', gai, 'getaddrinfo failed', tokenBefore(m, /([^\s:'"‘’]{1,254}): $/));
    return v ? { ...v, tool: databaseFromContext(text) ?? 'glibc' } : undefined;
  },
};
