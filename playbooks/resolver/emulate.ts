/**
 * Resolver emulation: the queries glibc or musl sends for one getaddrinfo call, given what each
 * server answers, and where that sequence first fails. Pure: `answer` stands in for the network.
 */
import type { ResolvConf } from '../parsers/resolv-conf-types.js';
import { emulateGlibc } from './emulate-glibc.js';
import { emulateMusl } from './emulate-musl.js';
import { type Libc, qtypesFor, resolverSettings } from './settings.js';
import type { Answerer, EmulatedTrace, EmulateOptions } from './types.js';

export function emulate(
  rc: ResolvConf,
  name: string,
  libc: Libc,
  answer: Answerer,
  opts: EmulateOptions = {},
): EmulatedTrace {
  const s = resolverSettings(rc, libc);
  const qtypes = qtypesFor(opts.families ?? 'both');
  const walk =
    libc === 'glibc'
      ? emulateGlibc(s, name, qtypes, answer, opts.rotateOffset ?? 0)
      : emulateMusl(s, name, qtypes, answer);
  // NXDOMAIN on a search candidate is the expected path; a failure is a server that did not answer.
  const firstFailure = walk.queries.find((q) => q.outcome === 'servfail' || q.outcome === 'timeout');
  return {
    libc,
    name,
    queries: walk.queries,
    ...(firstFailure === undefined ? {} : { firstFailure }),
    result: walk.result,
    elapsedSeconds: walk.elapsed,
  };
}

export interface Amplification {
  /** Queries sent for one lookup of a name that exists only as written (an external name). */
  queries: number;
  /** Of those, the ones for search-list candidates that could only return NXDOMAIN. */
  wasted: number;
  candidatesTried: number;
}

/**
 * The ndots cost: every search candidate answers NXDOMAIN and the name as written answers.
 * musl's count includes its fan-out to every nameserver.
 */
export function amplification(
  rc: ResolvConf,
  name: string,
  libc: Libc,
  opts: EmulateOptions = {},
): Amplification {
  const asWritten = name.replace(/\.$/, '').toLowerCase();
  const trace = emulate(
    rc,
    name,
    libc,
    (_server, qname) => (qname.toLowerCase() === asWritten ? 'answer' : 'nxdomain'),
    opts,
  );
  const wasted = trace.queries.filter((q) => q.name.toLowerCase() !== asWritten).length;
  const candidatesTried = new Set(trace.queries.map((q) => q.name)).size;
  return { queries: trace.queries.length, wasted, candidatesTried };
}
