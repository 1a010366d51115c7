/**
 * kube-proxy.not-running: the cluster runs kube-proxy as a DaemonSet, but its pod on the client's
 * node is missing or not Ready. Service rules on that node then go stale with the next change (a
 * CoreDNS pod replaced) or are never written, and the DNS Service IP stops answering there.
 * Guide: Other modules in the DNS resolution pipeline (kube-proxy). k3s and Cilium have none by design;
 * nor do nodes the DaemonSet does not target (EKS Fargate nodes, Windows nodes).
 */
import type { Check } from '../model/check.js';
import type { Evidence } from '../model/evidence.js';
import type { Excerpt, Finding } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import type { DaemonSet, Node } from '../model/k8s.js';
import { probeNodeName } from './support/names.js';
import { clientResults, unanswered } from './support/probes.js';
import { isK8sName } from './support/shell.js';
import { clip } from './support/text.js';
import { finding, isPodReady, podRef, waitingReasons } from './support.js';
import { kubeProxyCommands, probeExcerpt } from './support-network.js';

interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

/** Where a DaemonSet's pods may run: its pod template's nodeSelector and required node affinity. */
interface Placement {
  nodeSelector?: Record<string, string>;
  affinity?: {
    nodeAffinity?: {
      requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] };
    };
  };
}

/** The model keeps a DaemonSet's metadata and status; the API object also carries its pod template. */
function placementOf(ds: DaemonSet): Placement | undefined {
  return (ds as { spec?: { template?: { spec?: Placement } } }).spec?.template?.spec;
}

/** One node selector requirement against a node's labels (or fields); an unknown operator excludes nothing. */
function holds(r: NodeSelectorRequirement, values: Record<string, string>): boolean {
  const has = Object.hasOwn(values, r.key);
  const v = values[r.key] ?? '';
  const want = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return has && want.includes(v);
    case 'NotIn':
      return !has || !want.includes(v);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      const a = Number(v);
      const b = Number(want[0]);
      if (!has || !Number.isInteger(a) || !Number.isInteger(b)) return false;
      return r.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return true;
  }
}

/**
 * Whether the DaemonSet's pods may be placed on `node` by its nodeSelector and required node
 * affinity (terms ORed, requirements ANDed, an empty term matching nothing). Taints are left out:
 * kube-proxy tolerates them all.
 */
function targets(ds: DaemonSet, node: Node): boolean {
  const placement = placementOf(ds);
  const labels = node.metadata.labels ?? {};
  const selector = placement?.nodeSelector ?? {};
  if (Object.entries(selector).some(([k, v]) => labels[k] !== v)) return false;
  const terms =
    placement?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms) return true;
  const fields = { 'metadata.name': node.metadata.name };
  return terms.some((t) => {
    const exprs = t.matchExpressions ?? [];
    const byField = t.matchFields ?? [];
    if (exprs.length + byField.length === 0) return false;
    return exprs.every((r) => holds(r, labels)) && byField.every((r) => holds(r, fields));
  });
}

function run(e: Evidence): Finding[] {
  const kp = seenValue(e.kubeProxy);
  // No kube-proxy at all is a design choice (k3s embeds it, Cilium replaces it), not a fault.
  if (!kp?.runsKubeProxy) return [];
  const pod = kp.podOnNode;
  if (pod && isPodReady(pod)) return [];
  // No pod where the DaemonSet does not place one (Fargate, Windows...) is by design, not a fault.
  const clientNode = seenValue(e.clientNode);
  if (!pod && kp.daemonSet && clientNode && !targets(kp.daemonSet, clientNode)) return [];

  const podNode = pod?.spec.nodeName;
  const node = probeNodeName(e) ?? (isK8sName(podNode) ? podNode : undefined);
  // "No pod on the node" means nothing when we do not know the node.
  if (!pod && !node) return [];
  const on = node ? `node ${node}` : "the client's node";
  const serviceProbes = clientResults(e).filter((r) => r.hop === 'dns-service');
  const failing = serviceProbes.filter((r) => unanswered(r) > 0);
  const evidence: Excerpt[] = [];
  if (pod) {
    const reasons = waitingReasons(pod);
    evidence.push({
      source: `pod ${podRef(pod)}`,
      text: clip(
        `phase ${pod.status?.phase ?? 'unknown'}, Ready false${reasons.length ? `, waiting: ${reasons.join(', ')}` : ''}`,
      ),
    });
  } else {
    evidence.push({ source: `kube-proxy pods on ${on}`, text: 'none' });
  }
  const ds = kp.daemonSet;
  if (ds) {
    evidence.push({
      source: `DaemonSet ${ds.metadata.namespace ?? 'kube-system'}/${ds.metadata.name}`,
      text: `desiredNumberScheduled=${ds.status?.desiredNumberScheduled ?? '?'} numberReady=${ds.status?.numberReady ?? '?'}`,
    });
  }
  evidence.push(...failing.map(probeExcerpt));

  const what = pod ? `kube-proxy pod ${podRef(pod)} is not Ready` : 'no kube-proxy pod runs';
  const ip = seenValue(e.clusterDns)?.ip;
  const commands = kubeProxyCommands(e, node, ip);
  if (node) commands.push(`kubectl describe node ${node}`);
  return [
    finding('kube-proxy.not-running', {
      // Rules written before it stopped keep working until the next change: a risk until probes fail.
      severity: failing.length > 0 ? 'critical' : 'warning',
      weight: failing.length > 0 ? 0.7 : 0.4,
      title: `${what} on ${on}`,
      detail:
        `The cluster runs kube-proxy as a DaemonSet, but ${what} on ${on}, so nothing keeps the Service ` +
        `rules there in step with the cluster. ` +
        (failing.length > 0
          ? 'Queries to the DNS Service IP from that node already go unanswered.'
          : 'Existing rules still work, but go stale as soon as a CoreDNS pod is replaced.'),
      evidence,
      remedies: [
        {
          summary: `Restore the kube-proxy pod on ${on}: see why the DaemonSet has no Ready pod there (taints, image, crash).`,
          commands,
        },
      ],
    }),
  ];
}

export const check: Check = { id: 'kube-proxy.not-running', needs: ['kubeProxy'], run };
