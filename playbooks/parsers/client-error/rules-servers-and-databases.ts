/** CoreDNS log lines, nginx, and the database clients that word resolver errors their own way. */
import { fromGai, gaiFromErrno, gaiFromText } from './gai.js';
import { IP_PORT, normalizeName, normalizeServer, type Rule, rcodeCategory, tokenBefore } from './shared.js';

export const corednsErrorsPlugin: Rule = {
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
};

export const nginxResolver: Rule = {
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
};

export const nginxStartup: Rule = {
  id: 'nginx-startup',
  keys: ['host not found in'],
  re: /host not found in (upstream|resolver|\w{1,20}) "([^"\s]{1,260})"/,
  build: (m) => ({
    tool: 'nginx',
    category: 'ambiguous',
    name: normalizeName((m[2] ?? '').replace(/:\d{1,5}$/, '')),
    detail: `nginx could not resolve the ${m[1]} host at startup (through getaddrinfo, which does not say why).`,
  }),
};

export const nginxNoResolver: Rule = {
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
};

export const postgres: Rule = {
  id: 'postgres',
  keys: ['could not translate host name'],
  re: /could not translate host name "([^"]{1,254})" to address: ([^\n]{1,200})/,
  build: (m) => fromGai('postgres', gaiFromText(m[2]), 'libpq could not resolve the host', m[1]),
};

export const mysql: Rule = {
  id: 'mysql',
  keys: ['server host'],
  re: /Unknown (?:MySQL )?server host '([^']{1,254})' \((-?\d{1,6})\)/,
  build: (m) =>
    fromGai(
      'mysql',
      gaiFromErrno(m[2]) ?? {
        // MySQL's own client prints errno there (0, 2, 11...), not getaddrinfo's code: it says nothing
        // about the answer. MariaDB's prints the code (-2, -3), which gaiFromErrno reads.
        category: 'ambiguous',
        what: `errno ${m[2]}, which does not tell a missing name from a DNS server that did not answer`,
      },
      'The MySQL client could not resolve the host',
      m[1],
    ),
};

export const redisCli: Rule = {
  id: 'redis-cli',
  keys: ['could not connect to redis at'],
  re: /Could not connect to Redis at ([^\s:]{1,254}):\d{1,5}: ([^\n]{1,200})/,
  build: (m) => fromGai('redis', gaiFromText(m[2]), 'redis-cli could not resolve the host', m[1]),
};

export const redisPy: Rule = {
  id: 'redis-py',
  keys: ['connecting to'],
  re: /Error (-?\d{1,6}) connecting to ([^\s:]{1,254}):\d{1,5}\. ([^\n]{1,200})/,
  build: (m) => fromGai('redis', gaiFromErrno(m[1], m[3]), 'redis-py could not resolve the host', m[2]),
};
