/**
 * glibc's getaddrinfo over DNS: __res_context_search (resolv/res_query.c) walking the candidates,
 * __res_context_send/send_dg (resolv/res_send.c) walking the servers for each one.
 */
import type { ResolverTrace } from '../model/evidence.js';
import { type Candidate, candidates, type Qtype, type ResolverSettings } from './settings.js';
import { glibcServerOrder, glibcServerTimeout } from './timing.js';
import type { Answerer, ServerOutcome } from './types.js';

type Query = ResolverTrace['queries'][number];

interface Walk {
  queries: Query[];
  elapsed: number;
}

/** One server's turn: A and AAAA together, or AAAA only after A answered (single-request*). */
function askServer(
  s: ResolverSettings,
  server: string,
  name: string,
  qtypes: Qtype[],
  answer: Answerer,
  walk: Walk,
) {
  const outcomes: ServerOutcome[] = [];
  for (const qtype of qtypes) {
    const outcome = answer(server, name, qtype);
    walk.queries.push({ name, qtype, server, outcome });
    outcomes.push(outcome);
    // In single-request modes the second query waits for the first reply, which never came.
    if (outcome === 'timeout' && s.transport !== 'one-socket') break;
  }
  return outcomes;
}

/**
 * One candidate through res_send: attempts x servers until a server gives NOERROR or NXDOMAIN.
 * SERVFAIL moves to the next server, as does a timeout (after glibcServerTimeout). Not modelled:
 * ECONNREFUSED, and send_dg's switch to single-request after a half-answered timeout (here the
 * half answer is taken after one timeout).
 */
function askCandidate(
  s: ResolverSettings,
  name: string,
  qtypes: Qtype[],
  answer: Answerer,
  offset: number,
  walk: Walk,
): ServerOutcome {
  let sawServfail = false;
  for (const index of glibcServerOrder(s, offset)) {
    const server = s.servers[index];
    if (server === undefined) continue;
    const outcomes = askServer(s, server, name, qtypes, answer, walk);
    if (outcomes.includes('timeout')) walk.elapsed += glibcServerTimeout(s, index);
    if (outcomes.includes('answer')) return 'answer';
    if (outcomes.includes('timeout')) continue;
    if (outcomes.every((o) => o === 'servfail')) {
      sawServfail = true;
      continue;
    }
    return 'nxdomain';
  }
  // A SERVFAIL reply left in the answer buffer is what the search loop reads as rcode.
  return sawServfail ? 'servfail' : 'timeout';
}

function toResult(outcome: ServerOutcome): ResolverTrace['result'] {
  if (outcome === 'answer') return 'answer';
  return outcome === 'nxdomain' ? 'nxdomain' : 'failure';
}

/**
 * The search walk of __res_context_search: NXDOMAIN and SERVFAIL go on to the next search domain;
 * a timeout ends the search list but the final as-is query still goes out; the reported error is
 * the as-is-first one if there was one, else TRY_AGAIN after any SERVFAIL, else the last one.
 */
export function emulateGlibc(
  s: ResolverSettings,
  name: string,
  qtypes: Qtype[],
  answer: Answerer,
  offset: number,
): { result: ResolverTrace['result'] } & Walk {
  const walk: Walk = { queries: [], elapsed: 0 };
  let saved: ServerOutcome | undefined;
  let gotServfail = false;
  let last: ServerOutcome = 'nxdomain';
  let done = false;
  const list: Candidate[] = candidates(s, name);
  for (const c of list) {
    if (c.phase === 'search' && done) continue;
    const outcome = askCandidate(s, c.name, qtypes, answer, offset, walk);
    if (outcome === 'answer') return { result: 'answer', ...walk };
    if (c.phase === 'as-is-first') {
      saved = outcome;
      continue;
    }
    last = outcome;
    if (c.phase === 'search' && outcome === 'servfail') gotServfail = true;
    if (c.phase === 'search' && outcome === 'timeout') done = true;
  }
  const final = saved ?? (gotServfail ? 'servfail' : last);
  return { result: toResult(final), ...walk };
}
