/**
 * service.headless-truncated: the answer (typically a headless Service with many endpoints) does
 * not fit in UDP and comes back truncated (TC), and the client cannot retry over TCP: musl before
 * 1.2.4 has no TCP fallback, or TCP to the DNS server is blocked. glibc and Go retry over TCP by
 * themselves, so TC alone is not a failure. Guide: FAQ "headless Service domain names cannot be resolved".
 */
import type { Check } from '../model/check.js';
import type { ClientLibc, Evidence, ProbeResult, ResolverTrace } from '../model/evidence.js';
import type { Finding, Remedy } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import { splitServer } from './support/ip.js';
import { clientNamespace, normName, workloadOf } from './support/names.js';
import { unanswered } from './support/probes.js';
import { shq } from './support/shell.js';
import { clip } from './support/text.js';
import { finding, podRef } from './support.js';
import { muslHasTcpFallback } from './support-pod.js';
import { describeProbe, isHeadless, svcRef } from './support-service.js';

const MUSL_TCP_FALLBACK = '1.2.4';

interface Blocker {
  cause: 'tcp-blocked' | 'musl';
  why: string;
  weight: number;
}

/** Why the client cannot fall back to TCP; undefined when it can (glibc, Go, new musl) or we cannot tell. */
function blocker(libc: ClientLibc | undefined, tcp: ProbeResult | undefined): Blocker | undefined {
  if (tcp && unanswered(tcp) > 0) {
    const why = `TCP to ${tcp.server} fails (${tcp.answered} of ${tcp.attempts} answered)`;
    // Blocked outright reproduces the failure; partial loss only makes it intermittent.
    return { cause: 'tcp-blocked', why, weight: tcp.answered === 0 ? 0.9 : 0.5 };
  }
  if (libc?.libc !== 'musl') return undefined;
  // The version, else the Alpine release in the image tag (alpine3.18+ ships musl 1.2.4).
  if (muslHasTcpFallback(libc) === true) return undefined;
  const which = `musl ${libc.version ?? 'of unknown version'}${libc.inferred ? ' (inferred from the image)' : ''}`;
  const sure = libc.version !== undefined && !libc.inferred;
  return {
    cause: 'musl',
    why: `${which} has no TCP fallback before ${MUSL_TCP_FALLBACK}`,
    weight: sure ? 0.7 : 0.5,
  };
}

/** The TCP probe of the same server, preferably of the same name. */
function tcpProbe(results: ProbeResult[], udp: ProbeResult): ProbeResult | undefined {
  const tcp = results.filter((q) => q.transport === 'tcp' && q.server === udp.server);
  return tcp.find((q) => normName(q.name) === normName(udp.name)) ?? tcp[0];
}

function remedies(e: Evidence, server: string, name: string, why: Blocker, libc?: ClientLibc): Remedy[] {
  const pod = seenValue(e.clientPod);
  const ns = clientNamespace(e);
  const { host } = splitServer(server);
  const dig = (flags: string) =>
    `kubectl -n ${ns} run dns-tc-check --rm -it --restart=Never --image=nicolaka/netshoot -- dig ${flags} @${shq(host)} ${shq(name)}`;
  const musl = {
    summary: `Use an image with musl >= ${MUSL_TCP_FALLBACK} (Alpine 3.18+) or a glibc base; or return fewer records`,
    commands: [dig('+ignore +notcp')],
  };
  if (why.cause === 'musl') return [musl];
  const allowTcp = {
    summary: `Allow TCP port 53 from the client to ${host} (NetworkPolicy, security groups)`,
    commands: [dig('+tcp')],
  };
  const owner = pod ? workloadOf(pod) : undefined;
  // use-vc makes glibc ask over TCP from the start; musl ignores it.
  if (libc?.libc === 'musl' || !owner) return [allowTcp];
  const patch = '{"spec":{"template":{"spec":{"dnsConfig":{"options":[{"name":"use-vc"}]}}}}}';
  return [
    allowTcp,
    {
      summary: 'Or ask over TCP from the start (`use-vc`)',
      commands: [`kubectl -n ${ns} patch ${owner.kind}/${shq(owner.name)} -p '${patch}'`],
    },
  ];
}

function truncated(e: Evidence, udp: ProbeResult, tcp: ProbeResult | undefined, why: Blocker): Finding {
  const libc = seenValue(e.clientLibc);
  const asked = seenValue(e.askedName);
  const name = normName(udp.name);
  const svc = asked?.service && normName(asked.name) === name ? asked.service : undefined;
  const label = svc && isHeadless(svc) ? `headless Service ${svcRef(svc)}` : name;
  const client = seenValue(e.clientPod);
  const evidence = [{ source: `client probe ${udp.server}`, text: describeProbe(udp) }];
  if (tcp) evidence.push({ source: `client probe ${tcp.server}`, text: describeProbe(tcp) });
  if (libc)
    evidence.push({
      source: 'client libc',
      text: clip(`${libc.libc} ${libc.version ?? '(version unknown)'}, image ${libc.image ?? 'unknown'}`),
    });
  return finding('service.headless-truncated', {
    severity: why.weight >= 0.7 ? 'critical' : 'warning',
    title: `Truncated answer for ${clip(name, 120)} and ${client ? podRef(client) : 'the client'} cannot retry over TCP`,
    detail: `${udp.truncated} of ${udp.attempts} UDP answers for ${clip(label, 120)} came back truncated (TC): too many records for one UDP packet. The client must retry over TCP, but ${why.why}, so it gets no or partial addresses.`,
    evidence,
    remedies: remedies(e, udp.server, name, why, libc),
    weight: why.weight,
  });
}

/**
 * Whether the client's resolver, as traced, got the truncated query answered after all (its
 * TCP retry reached another server, or TCP loses only some packets). Only the trace of the
 * client's libc counts, and only its query for this name and type: a trace whose lookup ends
 * in "answer" may owe it to the other family (AAAA NOERROR without records) while the
 * truncated A query timed out. Traces retry truncated answers over TCP as glibc does, so they
 * say nothing for a musl without that fallback: callers ask only when TCP itself is the blocker.
 */
function tracedAnswer(traces: ResolverTrace[], libc: ClientLibc | undefined, udp: ProbeResult): boolean {
  const own = libc?.libc === 'glibc' || libc?.libc === 'musl' ? libc.libc : undefined;
  const name = normName(udp.name);
  return traces
    .filter((t) => own === undefined || t.libc === own)
    .some((t) =>
      t.queries.some((q) => normName(q.name) === name && q.qtype === udp.qtype && q.outcome === 'answer'),
    );
}

function run(e: Evidence): Finding[] {
  const probes = seenValue(e.clientProbes);
  const results = probes?.results ?? [];
  const libc = seenValue(e.clientLibc);
  const done = new Set<string>();
  return results
    .filter((p) => p.transport === 'udp' && p.truncated > 0)
    .flatMap((udp) => {
      const name = normName(udp.name);
      if (done.has(name)) return [];
      done.add(name);
      const tcp = tcpProbe(results, udp);
      const why = blocker(libc, tcp);
      if (!why) return [];
      // The client's own resolver got this answer over TCP after all: not a failure.
      if (why.cause === 'tcp-blocked' && tracedAnswer(probes?.traces ?? [], libc, udp)) return [];
      return [truncated(e, udp, tcp, why)];
    })
    .slice(0, 3);
}

export const check: Check = { id: 'service.headless-truncated', needs: ['clientProbes'], run };
