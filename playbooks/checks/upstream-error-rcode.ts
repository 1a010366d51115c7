/**
 * upstream.error-rcode: an external name gets NXDOMAIN, SERVFAIL or REFUSED from the upstream
 * resolver. CoreDNS only forwards external names, so nothing in the cluster fixes this: the DNS
 * provider needs a ticket with the domain, the code, the time to the second and the instance ids.
 * Guide: Step 3 (CoreDNS operational logs); FAQ "external domain name cannot be resolved".
 */
import type { Check } from '../model/check.js';
import type { Evidence, ProbeResult } from '../model/evidence.js';
import type { Excerpt, Finding } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import { servedLocally } from '../parsers/corefile-queries.js';
import { corednsInstanceIds, corednsNode, dnsNamespace, dnsPodSelector, normName } from './support/names.js';
import { shq } from './support/shell.js';
import { clip } from './support/text.js';
import { isRecent, NO_LOG_TIME, toSecond } from './support/time.js';
import { finding } from './support.js';
import {
  codeFromCoreDns,
  describeProbe,
  digFromCorednsNode,
  isSearchExpansion,
  showCorefile,
  upstreamProbes,
} from './support-service.js';

const ERROR_CODES = ['NXDOMAIN', 'SERVFAIL', 'REFUSED'];

interface Failure {
  name: string;
  rcode: string;
  count: number;
  /** When the log line was written; undefined for probes and for log lines without a time. */
  at?: string;
  qtype: string;
  excerpt: Excerpt;
  fromLog: boolean;
}

/** Error answers for external names: the CoreDNS log first (it has times), then the client's probes. */
function failures(e: Evidence): Failure[] {
  const found = new Map<string, Failure>();
  for (const f of seenValue(e.corednsLogs)?.failedNames ?? []) {
    if (f.nameClass !== 'external' || f.authoritative || !ERROR_CODES.includes(f.rcode)) continue;
    const at = f.lastSeen ?? f.firstSeen;
    const qtype = /"(\w+) IN /.exec(f.sample)?.[1] ?? 'A';
    // The sample is the first line seen for the name: quote it with its own time.
    const sampleAt = f.firstSeen ?? at;
    const excerpt = { source: 'CoreDNS logs', text: clip(f.sample), ...(sampleAt ? { at: sampleAt } : {}) };
    const name = normName(f.name);
    found.set(`${name} ${f.rcode}`, {
      name,
      rcode: f.rcode,
      count: f.count,
      at,
      qtype,
      excerpt,
      fromLog: true,
    });
  }
  for (const p of seenValue(e.clientProbes)?.results ?? []) {
    if (p.hop === 'upstream' || p.hop === 'apiserver') continue;
    for (const rcode of ERROR_CODES) {
      const count = p.rcodes[rcode] ?? 0;
      const name = normName(p.name);
      if (count === 0 || found.has(`${name} ${rcode}`)) continue;
      const excerpt = { source: `client probe ${p.server}`, text: describeProbe(p) };
      found.set(`${name} ${rcode}`, { name, rcode, count, qtype: p.qtype, excerpt, fromLog: false });
    }
  }
  // A name the Corefile serves itself (hosts, a file zone) is not the upstream's to answer.
  const corefile = seenValue(e.corefile)?.parsed;
  return [...found.values()]
    .filter((f) => !isSearchExpansion(e, f.name) && !(corefile && servedLocally(corefile, f.name)))
    .sort((a, b) => b.count - a.count);
}

type Answer = { kind: 'same' | 'clean' | 'timeout' | 'none'; probe?: ProbeResult };

/** What querying the upstream directly from a CoreDNS node said about this name. */
function upstreamAnswer(e: Evidence, f: Failure): Answer {
  const probes = upstreamProbes(e, { name: f.name });
  const same = probes.find((p) => (p.rcodes[f.rcode] ?? 0) > 0);
  if (same) return { kind: 'same', probe: same };
  const timeout = probes.find((p) => p.timeouts > 0);
  if (timeout) return { kind: 'timeout', probe: timeout };
  const clean = probes.find((p) => p.answered > 0 && ERROR_CODES.every((c) => !p.rcodes[c]));
  return clean ? { kind: 'clean', probe: clean } : { kind: 'none' };
}

/** When it was seen, to the second: the log line's own time (never the gather time), or when the probe ran. */
function seenAt(e: Evidence, f: Failure): string | undefined {
  if (!f.fromLog) return toSecond(e.observedAt);
  return f.at ? toSecond(f.at) : undefined;
}

function build(e: Evidence, f: Failure, probe: ProbeResult | undefined): Finding {
  const at = seenAt(e, f);
  const instances = corednsInstanceIds(e).join(' ') || 'of the CoreDNS nodes';
  const confirmed = probe !== undefined;
  const recent = f.fromLog && isRecent(f.at, e.observedAt, 60 * 60_000);
  const direct = probe && {
    source: `direct probe from ${corednsNode(e) ?? 'a CoreDNS node'}`,
    text: describeProbe(probe),
  };
  const evidence = direct ? [f.excerpt, direct] : [f.excerpt];
  const proof = confirmed
    ? `Querying the upstream ${probe.server} directly from a CoreDNS node returns ${f.rcode} too, so the fault is in the upstream resolver, not the cluster.`
    : f.fromLog
      ? "The answer was not CoreDNS's own (no aa flag); a direct query from a CoreDNS node would confirm the upstream."
      : "The client's probe got it through the DNS Service; a direct query from a CoreDNS node would confirm the upstream.";
  return finding('upstream.error-rcode', {
    severity: confirmed || recent ? 'critical' : 'warning',
    title: `Upstream DNS answers ${f.rcode} for ${clip(f.name, 120)}`,
    detail: `CoreDNS forwards ${clip(f.name, 120)} to its upstream and relays ${f.rcode} (${f.count} times, ${at ? `last ${at}` : NO_LOG_TIME}). ${proof}`,
    evidence,
    remedies: [
      {
        summary: `Ticket to the DNS provider: domain ${clip(f.name, 120)}, code ${f.rcode}, ${at ? `time ${at}` : NO_LOG_TIME}, instances ${instances}`,
        commands: [
          digFromCorednsNode(e, probe?.server, f.name, f.qtype),
          `kubectl -n ${dnsNamespace(e)} logs -l ${dnsPodSelector(e)} --timestamps --tail=2000 | grep -F ${shq(f.name)}`,
        ],
      },
      {
        summary: 'Check that CoreDNS forwards to the intended upstream',
        commands: [showCorefile(e)],
      },
    ],
    weight: confirmed ? 0.9 : recent ? 0.7 : 0.5,
  });
}

export const check: Check = {
  id: 'upstream.error-rcode',
  needs: ['corednsLogs'],
  run(e) {
    return failures(e)
      .flatMap((f) => {
        const answer = upstreamAnswer(e, f);
        // Not reproduced at the upstream, or the upstream timed out (upstream.unreachable's case).
        if (answer.kind === 'clean' || answer.kind === 'timeout') return [];
        if (answer.kind === 'none' && codeFromCoreDns(e, f.name, f.rcode)) return [];
        return [build(e, f, answer.kind === 'same' ? answer.probe : undefined)];
      })
      .slice(0, 3);
  },
};
