/**
 * The vocabulary of the client error rules: categories, tools, what a rule is and concludes,
 * and the helpers every family of rules reads names, servers and rcodes with.
 */

export type ErrorCategory =
  | 'nxdomain'
  | 'no-server'
  | 'server-error'
  | 'temporary'
  | 'truncated'
  | 'ambiguous'
  | 'unknown';

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
  /** Left undefined when the message names no rcode: only a present one reaches the result. */
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

export const IP4 = String.raw`\d{1,3}(?:\.\d{1,3}){3}`;
export const IP6 = '[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}';
/** ip:port as Go and Node print it (`10.96.0.10:53`, `[fd00::a]:53`). */
export const IP_PORT = String.raw`(?:\[${IP6}\]|${IP4}):\d{1,5}`;
/** ip#port as BIND tools print it. */
export const IP_HASH = String.raw`(?:${IP6}|${IP4})#\d{1,5}`;

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

/** The token just before a match (`<name>: <reason>`), read backwards over a short window. */
export function tokenBefore(m: RegExpExecArray, re: RegExp): string | undefined {
  const before = m.input.slice(Math.max(0, m.index - 300), m.index);
  return re.exec(before)?.[1];
}

/** Database clients whose Node.js or C-library messages carry no wording of their own. */
export function databaseFromContext(text: string): ClientTool | undefined {
  if (/mongo/i.test(text)) return 'mongodb';
  if (/redis/i.test(text)) return 'redis';
  if (/postgres|\bpsql\b|libpq/i.test(text)) return 'postgres';
  if (/mysql|mariadb/i.test(text)) return 'mysql';
  return undefined;
}
