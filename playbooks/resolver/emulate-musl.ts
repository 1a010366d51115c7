/**
 * musl's getaddrinfo over DNS: name_from_dns_search and name_from_dns (src/network/lookup_name.c)
 * over __res_msend (src/network/res_msend.c).
 */
import type { ResolverTrace } from '../model/evidence.js';
import { candidates, type Qtype, type ResolverSettings } from './settings.js';
import { muslRounds, muslTimeout } from './timing.js';
import type { Answerer } from './types.js';

type Query = ResolverTrace['queries'][number];

interface Send {
  qtype: Qtype;
  server: string;
}

/**
 * One res_msend exchange for all of a candidate's queries, replayed as events in send order.
 * Every server gets every query at once; only NOERROR or NXDOMAIN replies are accepted and the
 * first one wins. A SERVFAIL for a query still unanswered is resent to the same server at once,
 * 2 x queries times per exchange; anything else is dropped. Queries nobody accepted are resent
 * to every server each `timeout / attempts` seconds until `timeout`.
 */
function exchange(s: ResolverSettings, name: string, qtypes: Qtype[], answer: Answerer, queries: Query[]) {
  const accepted = new Map<Qtype, 'answer' | 'nxdomain'>();
  let servfailRetries = 2 * qtypes.length;
  const play = (sends: Send[]) => {
    for (let i = 0; i < sends.length; i++) {
      const send = sends[i];
      if (send === undefined) continue;
      const outcome = answer(send.server, name, send.qtype);
      queries.push({ name, qtype: send.qtype, server: send.server, outcome });
      if (accepted.has(send.qtype)) continue;
      if (outcome === 'answer' || outcome === 'nxdomain') accepted.set(send.qtype, outcome);
      else if (outcome === 'servfail' && servfailRetries > 0) {
        servfailRetries--;
        sends.push(send);
      }
    }
  };
  const toAll = (q: Qtype[]) => q.flatMap((qtype) => s.servers.map((server) => ({ qtype, server })));
  play(toAll(qtypes));
  for (let round = 1; round < muslRounds(s); round++) {
    const pending = qtypes.filter((q) => !accepted.has(q));
    if (pending.length === 0) break;
    play(toAll(pending));
  }
  return qtypes.map((q) => accepted.get(q));
}

/**
 * name_from_dns checks the replies in query order (A before AAAA): no accepted reply is EAI_AGAIN,
 * which ends the search; NXDOMAIN is "not found here", which moves to the next candidate, even when
 * the other query found addresses.
 */
function askCandidate(
  s: ResolverSettings,
  name: string,
  qtypes: Qtype[],
  answer: Answerer,
  queries: Query[],
) {
  const accepted = exchange(s, name, qtypes, answer, queries);
  const waited = accepted.includes(undefined) ? muslTimeout(s) : 0;
  for (const a of accepted) {
    if (a === undefined) return { outcome: 'failure' as const, waited };
    if (a === 'nxdomain') return { outcome: 'nxdomain' as const, waited };
  }
  return { outcome: 'answer' as const, waited };
}

export function emulateMusl(
  s: ResolverSettings,
  name: string,
  qtypes: Qtype[],
  answer: Answerer,
): { result: ResolverTrace['result']; queries: Query[]; elapsed: number } {
  const queries: Query[] = [];
  let elapsed = 0;
  for (const c of candidates(s, name)) {
    const { outcome, waited } = askCandidate(s, c.name, qtypes, answer, queries);
    elapsed += waited;
    if (outcome !== 'nxdomain') return { result: outcome, queries, elapsed };
  }
  return { result: 'nxdomain', queries, elapsed };
}
