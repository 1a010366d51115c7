/** What the resolver emulation returns. */
import type { ResolverTrace } from '../model/evidence.js';
import type { CandidatePhase, Libc, Qtype, ResolverSettings } from './settings.js';

/** What one server does with one query, as the caller of `emulate` decides. */
export type ServerOutcome = 'answer' | 'nxdomain' | 'servfail' | 'timeout';

export type Answerer = (server: string, name: string, qtype: Qtype) => ServerOutcome;

export interface PlannedQuery {
  name: string;
  qtype: Qtype;
  /** The sends in order when every server is silent (attempt after attempt; musl sends each round at once). */
  servers: string[];
}

export interface PlannedCandidate {
  name: string;
  phase: CandidatePhase;
  queries: PlannedQuery[];
}

export interface QueryPlan {
  libc: Libc;
  name: string;
  settings: ResolverSettings;
  /** Candidate names in order, as tried when every one is NXDOMAIN. */
  candidates: string[];
  perCandidate: PlannedCandidate[];
  /** glibc asks one server after another; musl asks every server at once and takes the first answer. */
  fanOut: 'in-order' | 'parallel';
  /** How long one candidate takes when every server is silent. */
  candidateTimeoutSeconds: number;
  /** How long the whole lookup takes to fail when every server is silent (see emulate for the walk). */
  worstCaseSeconds: number;
}

export interface EmulatedTrace extends ResolverTrace {
  /** Time spent waiting on silent servers (answers are taken as instantaneous). */
  elapsedSeconds: number;
}

export interface EmulateOptions {
  families?: 'A' | 'AAAA' | 'both';
  /** glibc `rotate`: the starting server, which real glibc draws at random per query. */
  rotateOffset?: number;
}
