/** How long each libc waits on a silent server, and in which order it asks its servers. */
import type { ResolverSettings } from './settings.js';

/**
 * glibc's wait for server `index` (its position in resolv.conf, after rotation) in send_dg:
 * `seconds = retrans << ns; if (ns > 0) seconds /= nscount; if (seconds <= 0) seconds = 1`.
 * So with 3 servers and timeout:5 the waits are 5, 3 and 6 s, not 5, 5 and 5.
 */
export function glibcServerTimeout(s: ResolverSettings, index: number): number {
  const shifted = s.timeout * 2 ** index;
  const seconds = index > 0 ? Math.floor(shifted / s.servers.length) : shifted;
  return Math.max(1, seconds);
}

/**
 * The server indexes glibc asks for one query, attempt after attempt, each attempt walking the
 * servers in order from `offset`. With `rotate`, glibc >= 2.26 picks a random offset per query;
 * the emulation takes it as a parameter so it stays deterministic.
 */
export function glibcServerOrder(s: ResolverSettings, offset: number): number[] {
  const n = s.servers.length;
  const start = s.rotate ? ((offset % n) + n) % n : 0;
  const order: number[] = [];
  for (let attempt = 0; attempt < s.attempts; attempt++) {
    for (let i = 0; i < n; i++) order.push((start + i) % n);
  }
  return order;
}

/**
 * musl's res_msend: every server gets the query at once, unanswered queries are resent to every
 * server each `timeout / attempts` seconds, and the whole exchange gives up after `timeout`.
 */
export function muslRounds(s: ResolverSettings): number {
  return s.attempts;
}

export function muslTimeout(s: ResolverSettings): number {
  return s.timeout;
}
