export { type BatchResult, type BatchSpec, runBatch } from './batch.js';
export { type AddressResolver, type Dialer, directDialer, mapDialer } from './dialer.js';
export type { Failure } from './exchange.js';
export { createProber, type Prober } from './prober.js';
export {
  type DnsAnswer,
  type DnsFailure,
  finalOutcome,
  isAnswer,
  type PairOutcome,
  pairQuery,
  type QueryOutcome,
  type QuerySpec,
  query,
  totalMs,
} from './query.js';
export { describeOutcome, type ProbeTarget, probeSeries, summarize } from './series.js';
export {
  countProblem,
  formatServer,
  nameProblem,
  parseServer,
  type ServerAddress,
  serverProblem,
  timeoutProblem,
} from './validate.js';
export { EDNS_UDP_PAYLOAD, formatRecord } from './wire.js';
