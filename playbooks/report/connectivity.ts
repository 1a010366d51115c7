/**
 * The guide's connectivity tables ("Diagnose network connectivity between application pods and
 * CoreDNS", and "of the CoreDNS pod") filled in from the probes: one row per server probed, UDP
 * and TCP side by side, what the row means, and, for a failing hop, the guide's cause and action.
 */
import type { Evidence, Hop, ProbeEvidence, ProbeResult } from '../model/evidence.js';
import { seenValue } from '../model/gathered.js';

export type HopResult = 'ok' | 'fails' | 'intermittent' | 'udp-fails' | 'error-code';

export interface ConnectivityRow {
  /** Where the queries came from: `probe pod on node X`, `CoreDNS node X`, `dnsmedic's worker`. */
  from: string;
  hop: Hop;
  server: string;
  /** The names asked of it. */
  names: string[];
  /** `answered/attempts` per transport over all names (A/AAAA pairs as `same-socket` and `separate`). */
  counts: Record<string, string>;
  result: HopResult;
  /** Non-NOERROR codes seen, `SERVFAIL 20`. */
  codes?: string;
  /** The guide's row for a failing hop. */
  guide?: { issue: string; cause: string; action: string };
  /** One raw answer or error, as evidence. */
  sample?: string;
}

const SG_ACTION = 'Check whether security group rules allow UDP port 53. If they do, submit a ticket.';
const GUIDE: Partial<Record<Hop, { issue: string; cause: string; action: string }>> = {
  'dns-service': {
    issue: 'Cannot connect to the kube-dns Service',
    cause: 'Node overload, kube-proxy issues, or UDP port 53 blocked',
    action: SG_ACTION,
  },
  'coredns-pod': {
    issue: 'dig to CoreDNS pod fails',
    cause: 'Node overload or UDP port 53 blocked by security group rules',
    action: SG_ACTION,
  },
  apiserver: {
    issue: 'CoreDNS cannot connect to the Kubernetes API server',
    cause: 'API server errors, node overload, or kube-proxy issues',
    action: 'Submit a ticket',
  },
  upstream: {
    issue: 'CoreDNS cannot connect to upstream DNS servers',
    cause: 'Node overload, wrong CoreDNS config, or Express Connect routing issues',
    action: 'Submit a ticket',
  },
  nodelocal: {
    issue: 'NodeLocal DNSCache does not answer on its address',
    cause: "The node-local-dns pod on the client's node is missing, not ready, or not bound there",
    action: 'Check the node-local-dns pod on that node (NodeLocal DNSCache section of the guide)',
  },
};

export function connectivityTable(e: Evidence): ConnectivityRow[] {
  return [
    ...rowsOf(seenValue(e.clientProbes), 'client'),
    ...rowsOf(seenValue(e.corednsSideProbes), 'coredns'),
  ];
}

function rowsOf(p: ProbeEvidence | undefined, side: 'client' | 'coredns'): ConnectivityRow[] {
  if (!p) return [];
  const from =
    p.where === 'worker-local'
      ? "dnsmedic's worker (not the client's node)"
      : side === 'client'
        ? `probe pod on node ${p.node ?? '?'}`
        : `CoreDNS node ${p.node ?? '?'}`;
  const groups = new Map<string, ProbeResult[]>();
  for (const r of p.results) {
    const key = `${r.hop} ${r.server}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((results) => row(from, results));
}

function row(from: string, results: ProbeResult[]): ConnectivityRow {
  const first = results[0] as ProbeResult;
  const sums = new Map<string, [number, number]>();
  for (const r of results) {
    const [answered, attempts] = sums.get(r.mode ?? r.transport) ?? [0, 0];
    sums.set(r.mode ?? r.transport, [answered + r.answered, attempts + r.attempts]);
  }
  const counts = Object.fromEntries([...sums].map(([t, [a, n]]) => [t, `${a}/${n}`]));
  const codes = new Map<string, number>();
  for (const r of results)
    for (const [code, n] of Object.entries(r.rcodes))
      if (code !== 'NOERROR') codes.set(code, (codes.get(code) ?? 0) + n);
  const result = judge(results, codes.size > 0);
  const names = [...new Set(results.map((r) => r.name))];
  const out: ConnectivityRow = { from, hop: first.hop, server: first.server, names, counts, result };
  if (codes.size > 0) out.codes = [...codes].map(([c, n]) => `${c} ${n}`).join(', ');
  const guide = GUIDE[first.hop];
  if (result !== 'ok' && guide) out.guide = guide;
  const sample = (
    results.find((r) => r.answered < r.attempts || Object.keys(r.rcodes).some((c) => c !== 'NOERROR')) ??
    first
  ).sample;
  if (sample) out.sample = sample;
  return out;
}

/** Single queries first (UDP, TCP); the A/AAAA pairs only when nothing else was asked. */
function judge(results: ProbeResult[], errorCodes: boolean): HopResult {
  const singles = results.filter((r) => r.mode === undefined);
  const measured = singles.length > 0 ? singles : results;
  const udp = measured.filter((r) => r.transport === 'udp');
  const tcp = measured.filter((r) => r.transport === 'tcp');
  const none = (rs: ProbeResult[]) => rs.length > 0 && rs.every((r) => r.answered === 0);
  const all = (rs: ProbeResult[]) => rs.every((r) => r.answered === r.attempts);
  if (none(measured)) return 'fails';
  if (none(udp) && tcp.length > 0 && all(tcp)) return 'udp-fails';
  if (!all(measured)) return 'intermittent';
  return errorCodes ? 'error-code' : 'ok';
}
