/** Helpers the network-path, kube-proxy and node checks share: probe arithmetic, nodes, addresses. */
import type { Evidence, ProbeResult } from '../model/evidence.js';
import type { Excerpt } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, Node } from '../model/k8s.js';
import { matchesSelector } from './support.js';

const K8S_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** Evidence text from logs and objects is untrusted: one line, no control characters, quoted short. */
export function clip(text: string, max = 300): string {
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** A Kubernetes name safe to paste into a shell command, else the fallback. */
export function safeName(name: string | undefined, fallback: string): string {
  return name && K8S_NAME.test(name) ? name : fallback;
}

/** The client's node (where the probes ran, else the pod's spec, else `--node`), when it is a safe name. */
export function clientNodeName(e: Evidence): string | undefined {
  const name = seenValue(e.clientProbes)?.node ?? seenValue(e.clientPod)?.spec.nodeName ?? e.target.node;
  return name && K8S_NAME.test(name) ? name : undefined;
}

/** `k8s-app=kube-dns`: the DNS Service's selector for `-l`, else the conventional label. */
export function dnsPodSelector(e: Evidence): string {
  const sel = seenValue(e.clusterDns)?.service.spec.selector ?? {};
  const pairs = Object.entries(sel).filter(([k, v]) => /^[\w./-]+$/.test(k) && /^[\w.-]*$/.test(v));
  return pairs.length > 0 ? pairs.map(([k, v]) => `${k}=${v}`).join(',') : 'k8s-app=kube-dns';
}

/** Client-side probe results (probes of the client's network), empty when unseen. */
export function clientResults(e: Evidence): ProbeResult[] {
  return (seenValue(e.clientProbes)?.results ?? []).filter((r) => r.side === 'client');
}

/** Queries that got no answer at all. */
export function unanswered(p: ProbeResult): number {
  return Math.max(0, p.attempts - p.answered);
}

/** Queries that failed: no answer, or SERVFAIL/REFUSED (NXDOMAIN is an answer, not a failure). */
export function failures(p: ProbeResult): number {
  return Math.min(p.attempts, unanswered(p) + (p.rcodes?.['SERVFAIL'] ?? 0) + (p.rcodes?.['REFUSED'] ?? 0));
}

/** Every attempt went unanswered. */
export function isDead(p: ProbeResult): boolean {
  return p.attempts > 0 && p.answered === 0;
}

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

/** `10.96.0.10` from `10.96.0.10:53`, `fd00::a` from `[fd00::a]:53`. */
export function hostOf(server: string): string {
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(server);
  if (v6) return v6[1] ?? server;
  const parts = server.split(':');
  return parts.length === 2 ? (parts[0] ?? server) : server;
}

const SAFE_NAME = /^[A-Za-z0-9_.-]{1,253}$/;

/** A name safe to paste into a shell command: the probe's own name, else the API server's Service name. */
export function digName(e: Evidence, p?: ProbeResult): string {
  if (p && SAFE_NAME.test(p.name)) return p.name;
  const domain = seenValue(e.clusterDns)?.clusterDomain;
  return domain && SAFE_NAME.test(domain) ? `kubernetes.default.svc.${domain}` : 'kubernetes.default';
}

/** A command run in the host network of `node` through an ephemeral debug pod. */
export function onNode(node: string, command: string, image = 'nicolaka/netshoot'): string {
  return `kubectl debug node/${node} -it --profile=sysadmin --image=${image} -- ${command}`;
}

/** `i-0aaa1111` from `aws:///eu-west-1a/i-0aaa1111` (the instance id a provider ticket asks for). */
export function instanceId(node: Node | undefined): string | undefined {
  const id = node?.spec?.providerID?.split('/').pop();
  return id ? id : undefined;
}

/** Minutes from `at` to `observedAt`; undefined when either does not parse. */
export function minutesBefore(observedAt: string, at: string | undefined): number | undefined {
  if (!at) return undefined;
  const diff = Date.parse(observedAt) - Date.parse(at);
  return Number.isNaN(diff) ? undefined : diff / 60_000;
}

/** An IP address as a number with its width, or undefined when it does not parse. */
function parseIp(ip: string): { bits: number; value: bigint } | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) {
    const octets = ip.split('.').map(Number);
    if (octets.some((o) => o > 255)) return undefined;
    return { bits: 32, value: octets.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n) };
  }
  if (!ip.includes(':')) return undefined;
  let text = ip.split('%')[0] ?? ip;
  const v4 = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (v4?.[1]) {
    const tail = parseIp(v4[1]);
    if (!tail) return undefined;
    text = `${text.slice(0, -v4[1].length)}${(tail.value >> 16n).toString(16)}:${(tail.value & 0xffffn).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
  const groups = [...head, ...Array<string>(missing).fill('0'), ...tail];
  if (groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return { bits: 128, value: groups.reduce((acc, g) => (acc << 16n) | BigInt(`0x${g}`), 0n) };
}

/** Whether `cidr` (`10.0.0.0/8`, `fd00::/64`, a bare address) contains `ip`. False when either is unreadable. */
export function cidrContains(cidr: string, ip: string): boolean {
  const [base = '', prefixText] = cidr.split('/');
  const net = parseIp(base);
  const addr = parseIp(ip);
  if (!net || !addr || net.bits !== addr.bits) return false;
  const prefix = prefixText === undefined ? net.bits : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > net.bits) return false;
  const shift = BigInt(net.bits - prefix);
  return net.value >> shift === addr.value >> shift;
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

/** Commands that show and restart kube-proxy on `node`, and the Service rules it should have written. */
export function kubeProxyCommands(
  e: Evidence,
  node: string | undefined,
  serviceIp: string | undefined,
): string[] {
  const kp = seenValue(e.kubeProxy);
  const pod = kp?.podOnNode;
  const podName = pod ? safeName(pod.metadata.name, '') : '';
  const ns = safeName(pod?.metadata.namespace ?? kp?.daemonSet?.metadata.namespace, 'kube-system');
  const ds = safeName(kp?.daemonSet?.metadata.name, 'kube-proxy');
  const ip = serviceIp && /^[0-9a-fA-F.:]+$/.test(serviceIp) ? serviceIp : undefined;
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

// NetworkPolicy egress evaluation, for network.policy-blocks-dns.

/** One way the client reaches DNS: a nameserver and what answers behind it. */
export interface DnsPath {
  /** `10.96.0.10 (Service kube-system/kube-dns)`. */
  label: string;
  /** Addresses an ipBlock may cover: the nameserver, and the pod IPs a Service IP is translated to. */
  ips: string[];
  /** Pods answering behind it; undefined when unknown (selector peers then count as allowing). */
  pods?: { namespace: string; labels: Record<string, string> }[];
}

export type L4 = 'UDP' | 'TCP';

/** The client's paths to DNS, from the nameservers the kubelet really wrote (else the cluster DNS IP). */
export function dnsPaths(e: Evidence): DnsPath[] {
  const dns = seenValue(e.clusterDns);
  const nodeLocal = seenValue(e.nodeLocal);
  const coredns = seenValue(e.corednsPods);
  const corednsIps = (coredns ?? []).flatMap((p) => (p.status?.podIP ? [p.status.podIP] : []));
  const corednsTargets = coredns
    ? coredns.map((p) => ({
        namespace: p.metadata.namespace ?? 'kube-system',
        labels: p.metadata.labels ?? {},
      }))
    : dns?.service.spec.selector
      ? [{ namespace: dns.service.metadata.namespace ?? 'kube-system', labels: dns.service.spec.selector }]
      : undefined;
  const localIp = nodeLocal?.deployed ? nodeLocal.localIp : undefined;
  const nameservers = seenValue(e.podResolvConf)?.parsed.nameservers ?? (dns ? [dns.ip] : []);
  if (nameservers.length === 0) return [{ label: 'CoreDNS pods', ips: corednsIps, pods: corednsTargets }];
  return nameservers.map((ns) => {
    if (ns === localIp) return { label: `${ns} (NodeLocal DNSCache)`, ips: [ns], pods: [] };
    // Without the cluster DNS object, any other nameserver may be it: count the CoreDNS pods as behind it.
    if (!dns || ns === dns.ip) {
      const svc = dns
        ? `Service ${dns.service.metadata.namespace ?? 'kube-system'}/${dns.service.metadata.name}`
        : 'presumed cluster DNS';
      // In iptables mode node-cache answers the Service IP itself, on the local link address too.
      const viaCache = localIp && nodeLocal?.bindsClusterIp ? [localIp] : [];
      return { label: `${ns} (${svc})`, ips: [ns, ...corednsIps, ...viaCache], pods: corednsTargets };
    }
    return { label: ns, ips: [ns], pods: [] };
  });
}

/** Port names that mean DNS: the DNS Service's port 53 names and targetPorts, and CoreDNS's defaults. */
export function dnsPortNames(e: Evidence): Map<string, L4> {
  const names = new Map<string, L4>([
    ['dns', 'UDP'],
    ['dns-tcp', 'TCP'],
  ]);
  for (const p of seenValue(e.clusterDns)?.service.spec.ports ?? []) {
    if (p.port !== 53 && p.targetPort !== 53) continue;
    const proto: L4 = (p.protocol ?? 'TCP').toUpperCase() === 'UDP' ? 'UDP' : 'TCP';
    if (p.name) names.set(p.name, proto);
    if (typeof p.targetPort === 'string') names.set(p.targetPort, proto);
  }
  return names;
}

function portAllows(port: NetworkPolicyPort, proto: L4, names: Map<string, L4>): boolean {
  if ((port.protocol ?? 'TCP').toUpperCase() !== proto) return false;
  if (port.port === undefined) return true;
  const n =
    typeof port.port === 'number' ? port.port : /^\d+$/.test(port.port) ? Number(port.port) : undefined;
  if (n === undefined) return names.get(String(port.port)) === proto;
  return n === 53 || (port.endPort !== undefined && n <= 53 && 53 <= port.endPort);
}

function peerAllows(peer: NetworkPolicyPeer, policyNs: string, path: DnsPath): boolean {
  if (peer.ipBlock) {
    const { cidr, except = [] } = peer.ipBlock;
    return path.ips.some((ip) => cidrContains(cidr, ip) && !except.some((x) => cidrContains(x, ip)));
  }
  if (!peer.podSelector && !peer.namespaceSelector) return false;
  if (!path.pods) return true;
  return path.pods.some((pod) => {
    const nsOk = peer.namespaceSelector
      ? matchesSelector({ 'kubernetes.io/metadata.name': pod.namespace }, peer.namespaceSelector)
      : pod.namespace === policyNs;
    return nsOk && (!peer.podSelector || matchesSelector(pod.labels, peer.podSelector));
  });
}

/** Whether any egress rule of `policies` lets `proto` port 53 through to `path` (policies add up). */
export function egressAllows(
  policies: NetworkPolicy[],
  path: DnsPath,
  proto: L4,
  names: Map<string, L4>,
  clientNs: string,
): boolean {
  return policies.some((pol) =>
    (pol.spec?.egress ?? []).some((rule) => {
      const portOk = !rule.ports?.length || rule.ports.some((p) => portAllows(p, proto, names));
      const ns = pol.metadata.namespace ?? clientNs;
      return portOk && (!rule.to?.length || rule.to.some((peer) => peerAllows(peer, ns, path)));
    }),
  );
}

/** Whether `policy` restricts egress (policyTypes, or egress rules with policyTypes left out). */
export function restrictsEgress(policy: NetworkPolicy): boolean {
  const types = policy.spec?.policyTypes;
  return types ? types.includes('Egress') : policy.spec?.egress !== undefined;
}

/** `egress[0]: to ipBlock 10.0.0.0/8; ports TCP/443`: a policy's egress, short enough to quote. */
export function describeEgress(policy: NetworkPolicy): string {
  const rules = policy.spec.egress ?? [];
  if (rules.length === 0) return 'policyTypes Egress with no egress rule: all egress denied';
  const peer = (p: NetworkPolicyPeer) =>
    p.ipBlock
      ? `ipBlock ${p.ipBlock.cidr}`
      : [
          p.namespaceSelector ? `namespaces ${JSON.stringify(p.namespaceSelector)}` : '',
          p.podSelector ? `pods ${JSON.stringify(p.podSelector)}` : '',
        ]
          .filter(Boolean)
          .join(' ');
  const text = rules
    .map((r, i) => {
      const to = r.to?.length ? r.to.map(peer).join(', ') : 'anywhere';
      const ports = r.ports?.length
        ? r.ports
            .map((p) => `${p.protocol ?? 'TCP'}/${p.port ?? 'any'}${p.endPort ? `-${p.endPort}` : ''}`)
            .join(', ')
        : 'all ports';
      return `egress[${i}]: to ${to}; ports ${ports}`;
    })
    .join(' | ');
  return clip(text);
}
