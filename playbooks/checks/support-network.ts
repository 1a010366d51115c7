/** Helpers the network-path, kube-proxy and node checks share: probe lines, names to dig, churn, kube-proxy. */
import type { Evidence, ProbeResult } from '../model/evidence.js';
import type { Excerpt } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import { isIp } from './support/ip.js';
import { onNode, safeName } from './support/shell.js';
import { clip } from './support/text.js';
import { minutesBefore } from './support/time.js';

/** `17/20 answered, 3 timeouts, SERVFAIL 2`: the numbers a reader checks. */
export function probeNumbers(p: ProbeResult): string {
  const codes = Object.entries(p.rcodes ?? {})
    .filter(([, n]) => n > 0)
    .map(([code, n]) => `${code} ${n}`);
  const parts = [`${p.answered}/${p.attempts} answered`, `${p.timeouts} timeouts`, ...codes];
  return parts.join(', ');
}

export function probeExcerpt(p: ProbeResult): Excerpt {
  const sample = p.sample ? ` (${clip(p.sample, 120)})` : '';
  return {
    source: `probe ${p.server} (${p.hop}, ${p.side} side)`,
    text: clip(`${p.transport} ${p.qtype} ${p.name}: ${probeNumbers(p)}${sample}`),
  };
}

const DIG_NAME = /^[A-Za-z0-9_.-]{1,253}$/;

/** A name safe to paste into a shell command: the probe's own name, else the API server's Service name. */
export function digName(e: Evidence, p?: ProbeResult): string {
  if (p && DIG_NAME.test(p.name)) return p.name;
  const domain = seenValue(e.clusterDns)?.clusterDomain;
  return domain && DIG_NAME.test(domain) ? `kubernetes.default.svc.${domain}` : 'kubernetes.default';
}

/** How long after a CoreDNS backend change stale IPVS entries (300 s) can still bite, with gather latency. */
export const CHURN_WINDOW_MIN = 15;

/**
 * Signs that the DNS Service's backends changed shortly before `observedAt`: CoreDNS pods just
 * created, endpoints terminating or unready, a scale-in under way, CoreDNS nodes new or NotReady.
 */
export function churnSince(e: Evidence, windowMin = CHURN_WINDOW_MIN): Excerpt[] {
  const recent = (at: string | undefined) => {
    const m = minutesBefore(e.observedAt, at);
    return m !== undefined && m >= 0 && m <= windowMin;
  };
  const out: Excerpt[] = [];
  for (const pod of seenValue(e.corednsPods) ?? []) {
    if (recent(pod.metadata.creationTimestamp)) {
      out.push({
        source: `pod ${pod.metadata.name}`,
        text: clip(`created ${pod.metadata.creationTimestamp}`),
      });
    }
  }
  for (const slice of seenValue(e.corednsEndpoints) ?? []) {
    for (const ep of slice.endpoints ?? []) {
      const c = ep.conditions;
      if (c?.terminating || c?.ready === false) {
        const state = c.terminating ? 'terminating' : 'not ready';
        out.push({
          source: `EndpointSlice ${slice.metadata.name}`,
          text: clip(`${(ep.addresses ?? []).join(',')} ${state}`),
        });
      }
    }
  }
  const d = seenValue(e.corednsDeployment);
  if (d?.spec?.replicas !== undefined && (d.status?.replicas ?? 0) > d.spec.replicas) {
    out.push({
      source: `Deployment ${d.metadata.name}`,
      text: `scaling in: status.replicas=${d.status?.replicas} spec.replicas=${d.spec.replicas}`,
    });
  }
  for (const n of seenValue(e.corednsNodes) ?? []) {
    const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
    if (recent(n.metadata.creationTimestamp)) {
      out.push({ source: `node ${n.metadata.name}`, text: clip(`created ${n.metadata.creationTimestamp}`) });
    } else if (ready && ready.status !== 'True') {
      out.push({ source: `node ${n.metadata.name}`, text: `Ready=${ready.status}` });
    }
  }
  return out;
}

/** The kube-proxy DaemonSet's namespace and name (its ConfigMap has the same name). */
export function kubeProxyDaemonSet(e: Evidence): { namespace: string; name: string } {
  const kp = seenValue(e.kubeProxy);
  const namespace = kp?.podOnNode?.metadata.namespace ?? kp?.daemonSet?.metadata.namespace;
  return {
    namespace: safeName(namespace, 'kube-system'),
    name: safeName(kp?.daemonSet?.metadata.name, 'kube-proxy'),
  };
}

/** Commands that show and restart kube-proxy on `node`, and the Service rules it should have written. */
export function kubeProxyCommands(
  e: Evidence,
  node: string | undefined,
  serviceIp: string | undefined,
): string[] {
  const kp = seenValue(e.kubeProxy);
  const podName = safeName(kp?.podOnNode?.metadata.name, '');
  const { namespace: ns, name: ds } = kubeProxyDaemonSet(e);
  const ip = isIp(serviceIp) ? serviceIp : undefined;
  if (kp?.replacedBy === 'cilium') {
    const where = node ? ` --field-selector spec.nodeName=${node}` : '';
    return [
      `kubectl -n kube-system get pods -o wide -l k8s-app=cilium${where}`,
      'kubectl -n kube-system exec ds/cilium -- cilium-dbg service list',
    ];
  }
  const commands = kp?.runsKubeProxy === false ? [] : [`kubectl -n ${ns} get daemonset ${ds}`];
  if (node && kp?.runsKubeProxy !== false)
    commands.push(
      `kubectl -n ${ns} get pods -o wide -l k8s-app=kube-proxy --field-selector spec.nodeName=${node}`,
    );
  if (podName) {
    commands.push(`kubectl -n ${ns} logs ${podName} --tail=200`);
    // The DaemonSet recreates the pod, which resyncs every Service rule on the node.
    commands.push(`kubectl -n ${ns} delete pod ${podName}`);
  }
  if (node && ip) {
    const rules =
      kp?.mode === 'ipvs'
        ? `ipvsadm -Ln -u ${ip}:53`
        : kp?.mode === 'nftables'
          ? 'nft list table ip kube-proxy'
          : `sh -c 'iptables-save -t nat | grep ${ip}'`;
    commands.push(onNode(node, rules));
  }
  return commands;
}
