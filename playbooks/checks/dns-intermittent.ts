/**
 * dns.intermittent: of N >= 20 identical queries from the client's node, some fail and some succeed.
 * The guide's Step 4 branch: an intermittent failure is not found by logs or single probes, only
 * by capturing packets on both ends. Weighted moderately so that any specific cause found for the
 * same loss (conntrack, IPVS, overload, the A/AAAA race) wins the verdict.
 */
import type { Check } from '../model/check.js';
import type { Evidence } from '../model/evidence.js';
import type { Finding } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import { probeNodeName, probeOrigin } from './support/names.js';
import { clientResults, failures } from './support/probes.js';
import { onNode, safeName } from './support/shell.js';
import { finding } from './support.js';
import { probeExcerpt } from './support-network.js';

/** Fewer identical queries cannot tell "intermittent" from chance (Step 4). */
export const MIN_ATTEMPTS = 20;

function run(e: Evidence): Finding[] {
  // Same-socket A/AAAA loss is client.glibc-aaaa-race; separate-socket probes judge the path.
  const flaky = clientResults(e).filter((r) => {
    const failed = failures(r);
    return r.mode !== 'same-socket' && r.attempts >= MIN_ATTEMPTS && failed > 0 && failed < r.attempts;
  });
  if (flaky.length === 0) return [];

  const failed = flaky.reduce((n, r) => n + failures(r), 0);
  const attempts = flaky.reduce((n, r) => n + r.attempts, 0);
  const ratio = failed / attempts;
  const node = probeNodeName(e);
  const on = probeOrigin(e);
  const corednsNodes = [
    ...new Set((seenValue(e.corednsPods) ?? []).flatMap((p) => (p.spec.nodeName ? [p.spec.nodeName] : []))),
  ]
    .map((n) => safeName(n, ''))
    .filter(Boolean);
  const capture = (where: string, file: string) =>
    onNode(where, `tcpdump -i any port 53 -C 20 -W 200 -w /host/tmp/${file}.pcap`);
  const commands = [
    ...(node ? [capture(node, 'client_dns')] : []),
    ...corednsNodes.map((n) => capture(n, `coredns_dns_${n}`)),
  ];
  return [
    finding('dns.intermittent', {
      // One lookup in ten failing is felt by users now; fewer is a warning until it grows.
      severity: ratio >= 0.1 ? 'critical' : 'warning',
      weight: 0.4,
      title: `DNS fails intermittently from ${on}: ${failed} of ${attempts} identical queries failed`,
      detail:
        `Repeated identical queries from ${on} failed ${failed} times out of ${attempts} ` +
        `(${Math.round(ratio * 100)}%) and succeeded otherwise, so the path works but loses queries. ` +
        'No log or single probe shows where: capture packets on the client and CoreDNS nodes during a failure.',
      evidence: flaky.map(probeExcerpt),
      remedies: [
        {
          summary:
            'Capture DNS packets on the client node and the CoreDNS nodes while failures happen, then compare ' +
            'which queries left the client and never reached or came back from CoreDNS (guide: Capture packets).',
          commands,
        },
      ],
    }),
  ];
}

export const check: Check = { id: 'dns.intermittent', needs: ['clientProbes'], run };
