/**
 * The resolver settings a libc derives from a parsed resolv.conf, and the candidate names it tries
 * for one getaddrinfo call. Pure: the emulation never touches the network.
 */
import type { ResolvConf } from '../parsers/resolv-conf-types.js';
import { RESOLVER_DEFAULTS } from '../parsers/resolv-conf-types.js';

export type Libc = 'glibc' | 'musl';
export type Qtype = 'A' | 'AAAA';
export type Families = 'A' | 'AAAA' | 'both';

/** How A and AAAA leave the client (glibc's options; musl always sends both in parallel). */
export type Transport = 'one-socket' | 'single-request' | 'single-request-reopen' | 'parallel';

export interface ResolverSettings {
  libc: Libc;
  ndots: number;
  timeout: number;
  attempts: number;
  /** At most 3 (MAXNS in both libcs); loopback when the file names none, as both libcs do. */
  servers: string[];
  search: string[];
  rotate: boolean;
  transport: Transport;
  /** glibc's `no-tld-query`: a dotless name is never sent as-is after the search list. */
  noTldQuery: boolean;
}

const MAXNS = 3;

function numberOption(rc: ResolvConf, name: keyof typeof RESOLVER_DEFAULTS): number {
  const v = rc.options[name];
  return typeof v === 'number' ? v : RESOLVER_DEFAULTS[name];
}

function glibcTransport(rc: ResolvConf): Transport {
  // single-request-reopen implies single-request in send_dg (both send A, wait, then AAAA).
  if (rc.options['single-request-reopen'] === true) return 'single-request-reopen';
  if (rc.options['single-request'] === true) return 'single-request';
  return 'one-socket';
}

export function resolverSettings(rc: ResolvConf, libc: Libc): ResolverSettings {
  const servers = rc.nameservers.slice(0, MAXNS);
  return {
    libc,
    ndots: numberOption(rc, 'ndots'),
    timeout: numberOption(rc, 'timeout'),
    // glibc and musl both treat attempts:0 as 1: at least one query goes out.
    attempts: Math.max(1, numberOption(rc, 'attempts')),
    servers: servers.length > 0 ? servers : ['127.0.0.1'],
    // Trailing dots on search domains would give `name.domain..` on the wire; both libcs strip them.
    search: rc.search.map((d) => d.replace(/\.+$/, '')).filter((d) => d !== ''),
    // musl ignores rotate and the single-request options (it fans out to every server anyway).
    rotate: libc === 'glibc' && rc.options.rotate === true,
    transport: libc === 'musl' ? 'parallel' : glibcTransport(rc),
    noTldQuery: libc === 'glibc' && rc.options['no-tld-query'] === true,
  };
}

/** Where a candidate sits in glibc's res_nsearch (musl has only `search` and `as-is-last`). */
export type CandidatePhase = 'as-is-first' | 'search' | 'as-is-last';

export interface Candidate {
  name: string;
  phase: CandidatePhase;
}

export function qtypesFor(families: Families): Qtype[] {
  return families === 'both' ? ['A', 'AAAA'] : [families];
}

/**
 * The candidate names in the order the libc tries them when every one answers NXDOMAIN.
 * glibc (resolv/res_query.c, __res_context_search): dots >= ndots tries the name as-is first and
 * then still walks the search list; fewer dots walks the search list first and tries as-is last;
 * a trailing dot means as-is only.
 * musl (src/network/lookup_name.c, name_from_dns_search): dots >= ndots or a trailing dot means
 * as-is only; fewer dots walks the search list, then as-is.
 */
export function candidates(s: ResolverSettings, name: string): Candidate[] {
  if (name === '' || name === '.') throw new RangeError(`not a resolvable name: '${name}'`);
  const trailingDot = name.endsWith('.');
  const bare = trailingDot ? name.slice(0, -1) : name;
  const dots = [...name].filter((c) => c === '.').length;
  const searched = s.search.map((d) => ({ name: `${bare}.${d}`, phase: 'search' as const }));
  if (trailingDot) return [{ name: bare, phase: 'as-is-first' }];
  if (s.libc === 'musl') {
    if (dots >= s.ndots) return [{ name: bare, phase: 'as-is-last' }];
    return [...searched, { name: bare, phase: 'as-is-last' }];
  }
  if (dots >= s.ndots) return [{ name: bare, phase: 'as-is-first' }, ...searched];
  // glibc skips the final as-is only for a dotless name after a search with no-tld-query.
  const skipAsIs = dots === 0 && searched.length > 0 && s.noTldQuery;
  return skipAsIs ? searched : [...searched, { name: bare, phase: 'as-is-last' }];
}
