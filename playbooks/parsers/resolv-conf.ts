/**
 * resolv.conf as glibc's res_init reads it (resolv/res_init.c, res_vinit_1 and res_setoptions),
 * and the format the kubelet's runtime (containerd/CRI-O) writes for a pod.
 * Pure and total: any string parses; lines glibc ignores end up in `unknown`.
 */
import { isIP } from 'node:net';
import type { ResolvConf } from './resolv-conf-types.js';

/** glibc's caps (resolv.h RES_MAXNDOTS, RES_MAXRETRANS, RES_MAXRETRY): larger values are clamped. */
export const RESOLVER_CAPS = { ndots: 15, timeout: 30, attempts: 5 } as const;

type ValuedOption = keyof typeof RESOLVER_CAPS;

/** One `options` token as the resolver sees it, or the token kept verbatim when it has no representation. */
export type ParsedOption = { name: string; value: number | true } | { unknown: string };

// glibc's MATCH(): the keyword at column 0 followed by a space or tab.
const KEYWORD = /^(domain|search|nameserver|options)[ \t]/;
const BLANKS = /[ \t]+/;

function isValued(name: string): name is ValuedOption {
  return Object.hasOwn(RESOLVER_CAPS, name);
}

/** C atoi: optional leading whitespace and sign, then digits; anything else is 0. */
function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  return m?.[1] === undefined ? 0 : Number.parseInt(m[1], 10);
}

/**
 * Parses one `options` token (`ndots:5`, `rotate`, `foo:bar`).
 * ndots/timeout/attempts follow glibc: atoi, clamped to the cap; negatives are clamped to 0 (glibc
 * would store them into unsigned or bit fields, which no sane diagnosis should rely on).
 * Bare `ndots` (no colon) is ignored by glibc, so it is not an option here either.
 */
export function parseOptionToken(token: string): ParsedOption {
  const colon = token.indexOf(':');
  const name = colon === -1 ? token : token.slice(0, colon);
  const value = colon === -1 ? undefined : token.slice(colon + 1);
  if (name === '') return { unknown: `options ${token}` };
  if (isValued(name)) {
    if (value === undefined) return { unknown: `options ${token}` };
    return { name, value: Math.max(0, Math.min(atoi(value), RESOLVER_CAPS[name])) };
  }
  if (value === undefined) return { name, value: true };
  // Other valued options (e.g. musl or future glibc ones) keep their number when they have one.
  if (/^\d{1,15}$/.test(value)) return { name, value: Number(value) };
  return { unknown: `options ${token}` };
}

/** Sets an option as an own property, even for names like `__proto__` that come from garbage input. */
export function setOption(options: ResolvConf['options'], name: string, value: number | true): void {
  Object.defineProperty(options, name, { value, enumerable: true, writable: true, configurable: true });
}

function applyOptions(rc: ResolvConf, tokens: string[]): void {
  for (const token of tokens) {
    const parsed = parseOptionToken(token);
    if ('unknown' in parsed) rc.unknown.push(parsed.unknown);
    else setOption(rc.options, parsed.name, parsed.value);
  }
}

/** glibc takes IPv4 via inet_aton and IPv6 via inet_pton after cutting a `%scope`. */
function isNameserverAddress(token: string): boolean {
  const percent = token.indexOf('%');
  if (percent === -1) return isIP(token) !== 0;
  return isIP(token.slice(0, percent)) === 6;
}

/** Applies one line; returns false when glibc would ignore it (the caller keeps it in `unknown`). */
function applyLine(rc: ResolvConf, line: string): boolean {
  const keyword = KEYWORD.exec(line)?.[1];
  if (keyword === undefined) return false;
  const args = line
    .slice(keyword.length)
    .split(BLANKS)
    .filter((a) => a !== '');
  switch (keyword) {
    case 'domain':
      // The obsolete `domain` replaces the search list with its first word, as `search` does.
      if (args[0] === undefined) return false;
      rc.search = [args[0]];
      return true;
    case 'search':
      // An empty `search` line is skipped by glibc: the previous list stays.
      if (args.length === 0) return false;
      rc.search = args;
      return true;
    case 'nameserver':
      // Kept beyond glibc's 3 (MAXNS) so the excess can be reported.
      if (args[0] === undefined || !isNameserverAddress(args[0])) return false;
      rc.nameservers.push(args[0]);
      return true;
    default:
      // `options` lines accumulate; a later value for the same option wins.
      applyOptions(rc, args);
      return true;
  }
}

export function parseResolvConf(text: string): ResolvConf {
  const rc: ResolvConf = { nameservers: [], search: [], options: {}, unknown: [] };
  if (typeof text !== 'string') return rc;
  for (const raw of text.split('\n')) {
    // CRLF files (edited on Windows, pasted from a ticket): glibc would keep the CR, we drop it.
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const first = line[0];
    if (first === '#' || first === ';') continue;
    if (line.trim() === '') continue;
    if (!applyLine(rc, line)) rc.unknown.push(line);
  }
  return rc;
}

function formatOption([name, value]: [string, number | true]): string {
  return value === true ? name : `${name}:${value}`;
}

/**
 * The layout containerd and CRI-O write from the kubelet's DNS config: one `search` line, one
 * `nameserver` line per server, one `options` line; empty parts are left out. `unknown` lines
 * follow verbatim (glibc ignores them again), so `parseResolvConf(formatResolvConf(rc))` gives `rc` back.
 */
export function formatResolvConf(rc: ResolvConf): string {
  const lines: string[] = [];
  if (rc.search.length > 0) lines.push(`search ${rc.search.join(' ')}`);
  for (const ns of rc.nameservers) lines.push(`nameserver ${ns}`);
  const options = Object.entries(rc.options).map(formatOption);
  if (options.length > 0) lines.push(`options ${options.join(' ')}`);
  lines.push(...rc.unknown);
  return lines.map((l) => `${l}\n`).join('');
}
