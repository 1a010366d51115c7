/**
 * The support-ticket draft the guide asks for (domain, response code, time to the second, the
 * instance ids of the nodes running CoreDNS), plus what a provider's engineer asks next:
 * cluster, versions, the failing hop and the evidence.
 */
import type { Evidence, ProbeResult } from '../model/evidence.js';
import type { Finding } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import type { Node } from '../model/k8s.js';
import type { ClusterSummary, TicketDraft, Verdict } from './types.js';

/**
 * The cloud's id for a node, as a provider's support asks for it: `i-0abc` from
 * `aws:///eu-west-1a/i-0abc`, `i-xyz` from Alibaba's `cn-hangzhou.i-xyz`, the VM name on GCE and
 * Azure; the node name when there is no providerID.
 */
export function instanceId(node: Node): string {
  const id = node.spec?.providerID;
  if (!id) return node.metadata.name;
  // Azure scale-set instances are named `<scale set>_<index>` in the portal and the CLI.
  const vmss = /virtualMachineScaleSets\/([^/]+)\/virtualMachines\/(\d+)$/.exec(id);
  if (vmss) return `${vmss[1]}_${vmss[2]}`;
  const last = id.split('/').filter(Boolean).pop() ?? id;
  const dotted = /\.(i-[0-9a-z]+)$/.exec(last);
  return dotted?.[1] ?? last;
}

/** `2026-11-26 09:15:02 UTC` from any ISO time (the guide wants seconds precision). */
export function toSecond(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function failingProbe(e: Evidence): ProbeResult | undefined {
  const all = [
    ...(seenValue(e.clientProbes)?.results ?? []),
    ...(seenValue(e.corednsSideProbes)?.results ?? []),
  ];
  return all.find((r) => r.answered < r.attempts || Object.keys(r.rcodes).some((c) => c !== 'NOERROR'));
}

function failedName(e: Evidence) {
  const logs = seenValue(e.corednsLogs);
  const wanted = e.target.domain?.replace(/\.$/, '').toLowerCase();
  const names = logs?.failedNames ?? [];
  return wanted
    ? names.find((f) => f.name.replace(/\.$/, '').toLowerCase() === wanted)
    : names.find((f) => f.nameClass === 'external' && !f.authoritative);
}

function corednsNodes(e: Evidence): string[] {
  const nodes = seenValue(e.corednsNodes);
  if (nodes && nodes.length > 0) return nodes.map(instanceId);
  const pods = seenValue(e.corednsPods) ?? [];
  return [...new Set(pods.flatMap((p) => (p.spec.nodeName ? [p.spec.nodeName] : [])))];
}

/** The hop a probe saw fail; else, for an upstream verdict, the upstream the logs name most. */
function failingHop(e: Evidence, verdict: Verdict, probe: ProbeResult | undefined): string {
  if (probe) return `${probe.hop} ${probe.server} over ${probe.transport}`;
  const upstream = verdict.checkId.startsWith('upstream.')
    ? seenValue(e.corednsLogs)?.upstreamErrors.find((u) => u.upstream !== 'unknown')
    : undefined;
  return upstream
    ? `upstream ${upstream.upstream} (CoreDNS logs: ${upstream.timeouts} timeouts, ${upstream.other} other errors)`
    : 'not identified';
}

export function draftTicket(
  e: Evidence,
  verdict: Verdict,
  findings: Finding[],
  cluster: ClusterSummary,
): TicketDraft {
  const failed = failedName(e);
  const probe = failingProbe(e);
  const probeCode = probe
    ? (Object.entries(probe.rcodes).find(([c]) => c !== 'NOERROR')?.[0] ??
      (probe.timeouts > 0 ? 'timeout' : undefined))
    : undefined;
  const domain = e.target.domain ?? failed?.name.replace(/\.$/, '') ?? probe?.name;
  const code = failed?.rcode ?? probeCode ?? e.symptom?.rcode;
  const when =
    toSecond(failed?.lastSeen) ??
    (e.observedAtIsClock
      ? 'not in the log (read it with kubectl logs --timestamps)'
      : toSecond(e.observedAt));
  const top = findings.find((f) => f.checkId === verdict.checkId);
  const fields = [
    { label: 'Domain name', value: domain ?? 'not known' },
    { label: 'DNS response code', value: code ?? 'not known' },
    { label: 'Time', value: when ?? 'not known' },
    { label: 'Instance IDs of the nodes running CoreDNS', value: corednsNodes(e).join(' ') || 'not known' },
    { label: 'Cluster', value: cluster.name ?? 'not known' },
    { label: 'Kubernetes version', value: cluster.kubernetesVersion ?? 'not known' },
    {
      label: `DNS provider version`,
      value: cluster.corednsVersion
        ? `${cluster.provider ?? 'coredns'} ${cluster.corednsVersion}`
        : 'not known',
    },
    { label: 'Failing hop', value: failingHop(e, verdict, probe) },
    { label: 'Diagnosis', value: `${verdict.checkId}: ${verdict.title}` },
  ];
  return {
    title: `DNS resolution failure${domain ? ` for ${domain}` : ''}${code ? ` (${code})` : ''}`,
    fields,
    evidence: (top?.evidence ?? [])
      .slice(0, 8)
      .map((x) => `${x.source}${x.at ? ` at ${x.at}` : ''}: ${x.text}`),
  };
}
