/**
 * client.musl-resolver: a musl (Alpine) client fails where musl itself is the reason: it asks all
 * nameservers at once and takes the first answer (a non-cluster resolver's NXDOMAIN wins), never
 * walks the search list for names with ndots dots or more, and before musl 1.2.4 (Alpine 3.18)
 * cannot retry a truncated answer over TCP. A musl client where nothing fails is not a fault.
 * Guide: "Concurrent A and AAAA record queries" (Alpine); NodeLocal DNSCache issues.
 */
import type { Check } from '../model/check.js';
import type { ClientLibc, Evidence } from '../model/evidence.js';
import type { Excerpt, Finding, Remedy } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import { hostOf } from './support/ip.js';
import { normName, workloadOf } from './support/names.js';
import { clusterResolverIps } from './support/nodelocal.js';
import { shq } from './support/shell.js';
import { clip, quote } from './support/text.js';
import { finding } from './support.js';
import * as s from './support-pod.js';

interface Reason {
  kind: 'trace' | 'truncated' | 'parallel';
  critical: boolean;
  weight: number;
  why: string;
  evidence: Excerpt[];
}

function reasons(e: Evidence, libc: ClientLibc): Reason[] {
  const probes = seenValue(e.clientProbes);
  const traces = probes?.traces ?? [];
  const results = probes?.results ?? [];
  const out: Reason[] = [];
  // A musl trace that fails where glibc's trace of the same name answers: reproduced. glibc's
  // must have answered the query type musl lost (A unless told): a glibc lookup "answers" on an
  // AAAA NODATA alone while its A timed out like musl's (TCP blocked for both), which is not musl.
  const lost = traces.find(
    (t) =>
      t.libc === 'musl' &&
      t.result !== 'answer' &&
      traces.some(
        (g) =>
          g.libc === 'glibc' &&
          g.result === 'answer' &&
          normName(g.name) === normName(t.name) &&
          g.queries.some((q) => q.qtype === (t.firstFailure?.qtype ?? 'A') && q.outcome === 'answer'),
      ),
  );
  if (lost) {
    const f = lost.firstFailure;
    const at = f ? `${f.qtype} ${f.name} @${f.server}: ${f.outcome}` : lost.result;
    const why = `musl's lookup of ${lost.name} ends in ${lost.result} while glibc's answers`;
    out.push({
      kind: 'trace',
      critical: true,
      weight: 0.9,
      why,
      evidence: [quote('musl resolver trace', at)],
    });
  }
  // Truncated answers: fatal without TCP fallback; glibc, Go and musl >= 1.2.4 retry over TCP.
  const tcp = s.muslHasTcpFallback(libc);
  const tc = results.find((r) => r.transport === 'udp' && r.truncated > 0);
  if (tc && tcp !== true) {
    const why = `answers for ${tc.name} are truncated and this musl ${tcp === false ? 'has' : 'may have'} no TCP fallback`;
    const evidence = [quote(s.probeSource(tc), s.describeProbe(tc))];
    out.push({
      kind: 'truncated',
      critical: tcp === false,
      weight: tcp === false ? 0.7 : 0.5,
      why,
      evidence,
    });
  }
  // A non-cluster resolver next to the cluster DNS (NodeLocal + cluster DNS is nodelocal.alpine-parallel).
  const servers = seenValue(e.podResolvConf)?.parsed.nameservers ?? [];
  const cluster = clusterResolverIps(e);
  const others = servers.filter((ip) => !cluster.includes(ip));
  if (others.length > 0 && others.length < servers.length) {
    const nx = results.find(
      (r) =>
        others.includes(hostOf(r.server)) &&
        (r.rcodes['NXDOMAIN'] ?? 0) > 0 &&
        s.classifyName(r.name, e) === 'cluster',
    );
    if (nx || s.askedName(e)?.kind === 'cluster') {
      const evidence = [quote('pod resolv.conf nameservers', servers.join(' '))];
      if (nx) evidence.push(quote(s.probeSource(nx), s.describeProbe(nx)));
      const why = `musl races the cluster DNS against ${others.join(', ')}, whose NXDOMAIN for cluster names can win`;
      out.push({ kind: 'parallel', critical: !!nx, weight: nx ? 0.7 : 0.5, why, evidence });
    }
  }
  return out.sort((a, b) => b.weight - a.weight);
}

function remediesFor(e: Evidence, libc: ClientLibc, found: Reason[]): Remedy[] {
  const pod = seenValue(e.clientPod);
  if (!pod) return [];
  const remedies: Remedy[] = [
    {
      summary:
        'Rebuild on a glibc base image (Debian/Ubuntu slim); first check which musl the image carries.',
      commands: [s.execInClient(pod, libc.image, s.MUSL_VERSION_SCRIPT)],
    },
  ];
  const container = pod.spec.containers.find((c) => c.image === libc.image) ?? pod.spec.containers[0];
  const newer = container?.image?.replace(
    /alpine(:?)3\.\d+(\.\d+)?/,
    (_m, colon: string) => `alpine${colon}3.20`,
  );
  if (container && newer && newer !== container.image && found.some((r) => r.kind === 'truncated')) {
    const w = workloadOf(pod);
    const target = w ? `${w.kind}/${w.name}` : `pod/${pod.metadata.name}`;
    const ns = shq(pod.metadata.namespace ?? 'default');
    remedies.push({
      summary: 'Or move to Alpine 3.18+ (musl 1.2.4 retries truncated answers over TCP).',
      commands: [`kubectl -n ${ns} set image ${shq(target)} ${shq(`${container.name}=${newer}`)}`],
    });
  }
  const listed = pod.spec.dnsConfig?.nameservers ?? [];
  const cluster = clusterResolverIps(e);
  if (found.some((r) => r.kind === 'parallel') && listed.some((ip) => !cluster.includes(ip))) {
    const nameservers = listed.filter((ip) => cluster.includes(ip));
    remedies.push({
      summary: 'Or drop the non-cluster nameservers from the pod dnsConfig.',
      commands: [s.patchPodSpec(pod, { dnsConfig: { nameservers } })],
    });
  }
  return remedies;
}

function run(e: Evidence): Finding[] {
  const libc = seenValue(e.clientLibc);
  if (libc?.libc !== 'musl') return [];
  const found = reasons(e, libc);
  const top = found[0];
  if (!top) return []; // musl, and nothing fails because of it
  const ref = s.clientRef(e);
  return [
    finding('client.musl-resolver', {
      severity: top.critical ? 'critical' : 'warning',
      title: clip(`musl resolver in ${ref}: ${top.why}`, 200),
      detail:
        `Pod ${ref} resolves with musl, which queries all nameservers in parallel and keeps the first answer, ` +
        'does not walk the search list for names with ndots dots or more, and before 1.2.4 cannot retry over TCP. ' +
        clip(`Here ${found.map((r) => r.why).join('; ')}.`),
      evidence: [quote('client libc', s.describeLibc(libc)), ...found.flatMap((r) => r.evidence)],
      remedies: remediesFor(e, libc, found),
      weight: top.weight,
    }),
  ];
}

export const check: Check = { id: 'client.musl-resolver', needs: ['clientLibc'], run };
