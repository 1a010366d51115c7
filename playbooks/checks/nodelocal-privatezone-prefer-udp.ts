/**
 * nodelocal.privatezone-prefer-udp: behind NodeLocal DNSCache, queries reach CoreDNS over TCP and
 * CoreDNS's `forward` keeps the client's protocol, so it asks the upstream over TCP. Private zones
 * (Alibaba Cloud DNS PrivateZone, `vpc-proxy` endpoints) do not answer over TCP: those names fail
 * or resolve wrongly. `prefer_udp` in the forward block fixes it.
 * Guide: "Alibaba Cloud DNS PrivateZone domain names cannot be resolved".
 */
import type { Check } from '../model/check.js';
import type { Evidence, ProbeResult } from '../model/evidence.js';
import type { Excerpt, Finding } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import { corefileConfigMap, normName } from './support/names.js';
import { clusterDnsIps, nodeLocalIps } from './support/nodelocal.js';
import { allProbes, probeClean, probeFailed } from './support/probes.js';
import { clip, quote } from './support/text.js';
import { finding } from './support.js';
import { reloadLogCommand } from './support-coredns.js';
import { classifyName, describeProbe, forwardFor, probeSource } from './support-pod.js';

/** Why `name` looks like a private-zone name: TCP fails where UDP works, or only the NodeLocal path fails. */
function signature(probes: ProbeResult[], name: string): { weight: number; evidence: Excerpt[] } | undefined {
  const mine = probes.filter((r) => normName(r.name) === name);
  const tcpBad = mine.find((r) => r.transport === 'tcp' && probeFailed(r));
  const udpOk = mine.find((r) => r.transport === 'udp' && r.hop !== 'nodelocal' && probeClean(r));
  const viaCache = mine.find((r) => r.hop === 'nodelocal' && probeFailed(r));
  const bad = tcpBad ?? viaCache;
  if (!bad || !udpOk) return undefined;
  return {
    weight: 0.9,
    evidence: [quote(probeSource(bad), describeProbe(bad)), quote(probeSource(udpOk), describeProbe(udpOk))],
  };
}

function run(e: Evidence): Finding[] {
  const nl = seenValue(e.nodeLocal);
  const corefile = seenValue(e.corefile);
  if (!nl?.deployed || !corefile) return [];
  const servers = seenValue(e.podResolvConf)?.parsed.nameservers;
  const viaCache = servers?.some(
    (ip) => nodeLocalIps(e).includes(ip) || (nl.bindsClusterIp && clusterDnsIps(e).includes(ip)),
  );
  if (servers && !viaCache) return []; // this pod does not go through NodeLocal

  const probes = allProbes(e);
  const logs = seenValue(e.corednsLogs);
  const candidates = new Map<string, { weight: number; evidence: Excerpt[] }>();
  for (const name of new Set(probes.map((r) => normName(r.name)))) {
    const sig = classifyName(name, e) === 'external' ? signature(probes, name) : undefined;
    if (sig) candidates.set(name, sig);
  }
  // CoreDNS received it over TCP (from NodeLocal) and the upstream failed; search-suffixed NXDOMAINs are not this.
  for (const f of logs?.failedNames ?? []) {
    const name = normName(f.name);
    const viaTcp = /"\S+ IN \S+ tcp /.test(f.sample);
    if (
      candidates.has(name) ||
      f.nameClass !== 'external' ||
      f.authoritative ||
      !viaTcp ||
      f.rcode === 'NXDOMAIN'
    )
      continue;
    // The same line makes upstream.error-rcode say "the upstream answers SERVFAIL" (0.7 when recent,
    // unconfirmed). With NodeLocal in front and no prefer_udp, the protocol explains that answer, so
    // this ranks above it; a direct UDP probe reproducing the code (0.9 there) still wins.
    candidates.set(name, { weight: 0.8, evidence: [quote('CoreDNS query log', f.sample)] });
  }
  const domain = e.target.domain ? normName(e.target.domain) : undefined;
  if (
    domain &&
    !candidates.has(domain) &&
    domain.includes('vpc-proxy') &&
    classifyName(domain, e) === 'external'
  ) {
    candidates.set(domain, {
      weight: 0.5,
      evidence: [quote('asked name', `${domain} (an Alibaba Cloud vpc-proxy endpoint)`)],
    });
  }

  const lines = corefile.text.split('\n');
  const hits = [...candidates.entries()]
    .map(([name, sig]) => ({ name, sig, fwd: forwardFor(corefile.parsed, name) }))
    .filter((h) => h.fwd && !h.fwd.block.some((d) => d.name === 'prefer_udp'))
    .sort((a, b) => b.sig.weight - a.sig.weight);
  const top = hits[0];
  if (!top?.fwd) return [];

  const fwd = top.fwd;
  const forceTcp = fwd.block.some((d) => d.name === 'force_tcp');
  const cm = corefileConfigMap(e);
  // Names come from logs and probes: keep them short in prose.
  const names = hits.map((h) => clip(h.name, 80));
  const fwdText = lines[fwd.line - 1]?.trim() || `forward ${fwd.args.join(' ')}`;
  return [
    finding('nodelocal.privatezone-prefer-udp', {
      severity: 'critical',
      title: `${names[0]} fails through NodeLocal DNSCache: CoreDNS forward (Corefile line ${fwd.line}) lacks prefer_udp`,
      detail:
        `NodeLocal DNSCache sends queries to CoreDNS over TCP, and CoreDNS forwards over the protocol it received, so ${names.slice(0, 3).join(', ')} ` +
        `${names.length > 1 ? 'go' : 'goes'} upstream over TCP, which private zones such as PrivateZone do not answer. ` +
        (forceTcp
          ? 'The forward block even sets force_tcp; replace it with prefer_udp.'
          : 'Adding prefer_udp to the forward block makes CoreDNS ask upstream over UDP.'),
      evidence: [quote(`${corefile.source} Corefile line ${fwd.line}`, fwdText), ...top.sig.evidence],
      remedies: [
        {
          summary: `Add prefer_udp inside the forward block at Corefile line ${fwd.line}${forceTcp ? ' (and remove force_tcp)' : ''}; CoreDNS reloads by itself.`,
          commands: [`kubectl -n ${cm.namespace} edit configmap ${cm.name}`, reloadLogCommand(e)],
        },
      ],
      weight: top.sig.weight,
    }),
  ];
}

export const check: Check = { id: 'nodelocal.privatezone-prefer-udp', needs: ['nodeLocal', 'corefile'], run };
