/**
 * Helpers shared by the pod, client and NodeLocal checks: the asked name, the pod's resolv.conf,
 * NodeLocal addresses, probe summaries, quoting untrusted text and building remedy commands.
 */
import type { ClientLibc, Evidence, ObservedResolvConf, ProbeResult } from '../model/evidence.js';
import type { Excerpt } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import type { Node, Pod } from '../model/k8s.js';
import type { Corefile, Directive } from '../parsers/corefile-types.js';
import type { ResolvConf } from '../parsers/resolv-conf-types.js';
import { compareVersions, isClusterName } from './support.js';

const MAX_EXCERPT = 300;

/** NodeLocal DNSCache's usual link-local addresses (kubeadm docs, kubespray), for when facts are unseen. */
export const CONVENTIONAL_NODELOCAL_IPS = ['169.254.20.10', '169.254.25.10'] as const;

/** Untrusted text made safe to show: control characters blanked, at most 300 characters. */
export function clipText(text: string, max = MAX_EXCERPT): string {
  const clean = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ');
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

export function quote(source: string, text: string): Excerpt {
  return { source: clipText(source, 120), text: clipText(text) };
}

/** A word for a shell command: bare when plainly safe, else single-quoted. */
export function shq(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The dnsPolicy the API server defaults to when the field is omitted. */
export function dnsPolicyOf(pod: Pod): NonNullable<Pod['spec']['dnsPolicy']> {
  return pod.spec.dnsPolicy ?? 'ClusterFirst';
}

export function bareName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** The IP of `ip:port`, `[v6]:port`, or a bare address. */
export function ipOf(server: string): string {
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(server);
  if (v6?.[1]) return v6[1];
  const parts = server.split(':');
  return parts.length === 2 ? (parts[0] ?? server) : server;
}

export function clusterDomainOf(e: Evidence): string | undefined {
  return seenValue(e.clusterDns)?.clusterDomain;
}

/** Every address of the cluster DNS Service (the IP pods get, plus the Service's clusterIPs). */
export function clusterDnsIps(e: Evidence): string[] {
  const dns = seenValue(e.clusterDns);
  if (!dns) return [];
  const ips = [dns.ip, dns.service.spec.clusterIP, ...(dns.service.spec.clusterIPs ?? [])];
  return [...new Set(ips.filter((ip): ip is string => !!ip && ip !== 'None'))];
}

/** NodeLocal's listen address when known, else the conventional ones. */
export function nodeLocalIps(e: Evidence): string[] {
  const ip = seenValue(e.nodeLocal)?.localIp;
  return ip ? [ip] : [...CONVENTIONAL_NODELOCAL_IPS];
}

export type NameKind = 'cluster' | 'external';

/** Whether a name the user typed is served by the cluster: FQDN in the domain, or a short Service name. */
export function classifyName(name: string, e: Evidence): NameKind {
  const fqdn = name.trim().endsWith('.');
  const n = bareName(name);
  const domain = clusterDomainOf(e);
  if (domain && isClusterName(n, domain)) return 'cluster';
  if (fqdn) return 'external';
  const labels = n.split('.');
  const ns = e.target.namespace;
  if (labels.length === 1 || labels.at(-1) === 'svc' || n.includes('.svc.')) return 'cluster';
  if (labels.length === 2 && labels[1] === ns) return 'cluster';
  return 'external';
}

/** The name the diagnosis is about, when the user gave one. */
export function askedName(e: Evidence): { name: string; kind: NameKind } | undefined {
  const asked = seenValue(e.askedName);
  if (asked) return { name: asked.name, kind: asked.kind };
  const domain = e.target.domain?.trim();
  return domain ? { name: domain, kind: classifyName(domain, e) } : undefined;
}

/** Whether this resolv.conf can answer `name` from the cluster: a cluster nameserver and a way to qualify it. */
export function resolvesClusterName(parsed: ResolvConf, name: string, e: Evidence): boolean {
  const cluster = [...clusterDnsIps(e), ...nodeLocalIps(e)];
  if (!parsed.nameservers.some((ip) => cluster.includes(ip))) return false;
  const domain = clusterDomainOf(e);
  if (domain && isClusterName(bareName(name), domain)) return true;
  return parsed.search.some((s) => (domain ? isClusterName(s, domain) : /(^|\.)svc(\.|$)/.test(s)));
}

/** The resolv.conf lines starting with `keyword`, from the text read in the pod (or rebuilt from the parse). */
export function resolvLines(
  observed: ObservedResolvConf,
  keyword: 'nameserver' | 'search' | 'options',
): string {
  const lines = observed.text.split('\n').filter((l) => l.trim().startsWith(keyword));
  if (lines.length > 0) return lines.map((l) => l.trim()).join('\n');
  const p = observed.parsed;
  if (keyword === 'nameserver') return p.nameservers.map((ip) => `nameserver ${ip}`).join('\n');
  if (keyword === 'search') return p.search.length ? `search ${p.search.join(' ')}` : '(no search line)';
  const opts = Object.entries(p.options).map(([k, v]) => (v === true ? k : `${k}:${v}`));
  return opts.length ? `options ${opts.join(' ')}` : '(no options line)';
}

export function resolvSource(observed: ObservedResolvConf, pod: string): string {
  const how = observed.source === 'computed' ? 'computed from the pod spec' : `read by ${observed.source}`;
  return `resolv.conf of ${pod} (${how})`;
}

export function clientNodeName(e: Evidence): string | undefined {
  return (
    seenValue(e.clientPod)?.spec.nodeName ??
    seenValue(e.clientNode)?.metadata.name ??
    e.target.node ??
    seenValue(e.clientProbes)?.node
  );
}

/** `v1.27.3` -> 27. */
export function kubeletMinor(node: Node | undefined): number | undefined {
  const m = /^v?(\d+)\.(\d+)/.exec(node?.status?.nodeInfo?.kubeletVersion ?? '');
  return m ? Number(m[2]) : undefined;
}

/** The workload to patch for a pod: its controller (Deployment through the ReplicaSet's template hash). */
export function workloadOf(pod: Pod): { kind: string; name: string } | undefined {
  const refs = pod.metadata.ownerReferences ?? [];
  const owner = refs.find((o) => o.controller) ?? refs[0];
  if (!owner) return undefined;
  const hash = pod.metadata.labels?.['pod-template-hash'];
  if (owner.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`)) {
    return { kind: 'deployment', name: owner.name.slice(0, -hash.length - 1) };
  }
  const kinds = ['ReplicaSet', 'StatefulSet', 'DaemonSet', 'Deployment'];
  return kinds.includes(owner.kind) ? { kind: owner.kind.toLowerCase(), name: owner.name } : undefined;
}

/**
 * The command that changes pod-spec fields: a merge patch on the owning workload, or for a bare
 * pod (whose DNS fields are immutable) a local patch and a forced replace.
 */
export function patchPodSpec(pod: Pod, spec: Record<string, unknown>): string {
  const ns = shq(pod.metadata.namespace ?? 'default');
  const w = workloadOf(pod);
  if (w) {
    const patch = shq(JSON.stringify({ spec: { template: { spec } } }));
    return `kubectl -n ${ns} patch ${w.kind} ${shq(w.name)} --type merge -p ${patch}`;
  }
  const patch = shq(JSON.stringify({ spec }));
  return `kubectl -n ${ns} get pod ${shq(pod.metadata.name)} -o yaml | kubectl patch --local -f - --type merge -p ${patch} -o yaml | kubectl replace --force -f -`;
}

/** The pod's dnsConfig options with `name` set (a merge patch replaces the whole list, so keep the rest). */
export function optionsWith(
  pod: Pod,
  set: { name: string; value?: string }[],
): { name: string; value?: string }[] {
  const names = new Set(set.map((o) => o.name));
  return [...(pod.spec.dnsConfig?.options ?? []).filter((o) => !names.has(o.name)), ...set];
}

// ---- probes ----

export function allProbes(e: Evidence): ProbeResult[] {
  return [...(seenValue(e.clientProbes)?.results ?? []), ...(seenValue(e.corednsSideProbes)?.results ?? [])];
}

/** Queries lost or answered with a server failure. */
export function probeFailed(r: ProbeResult): boolean {
  const bad = (r.rcodes['SERVFAIL'] ?? 0) + (r.rcodes['REFUSED'] ?? 0);
  return r.attempts > 0 && (r.timeouts > 0 || r.answered < r.attempts || bad > 0);
}

/** Every query answered NOERROR. */
export function probeClean(r: ProbeResult): boolean {
  return (
    r.attempts > 0 &&
    r.answered === r.attempts &&
    r.timeouts === 0 &&
    (r.rcodes['NOERROR'] ?? 0) === r.attempts
  );
}

export function describeProbe(r: ProbeResult): string {
  const codes = Object.entries(r.rcodes)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const mode = r.mode === 'same-socket' ? ' A+AAAA same socket' : '';
  const tc = r.truncated > 0 ? `, ${r.truncated} truncated` : '';
  return clipText(
    `${r.qtype} ${r.name} over ${r.transport}${mode}: ${r.answered}/${r.attempts} answered (${codes || 'no answer'}), ${r.timeouts} timeouts${tc}`,
  );
}

export function probeSource(r: ProbeResult): string {
  return `probe ${r.side} -> ${r.hop} ${r.server}`;
}

// ---- what the kubelet writes ----

function unique(items: string[]): string[] {
  return [...new Set(items)];
}

/** A pod's DNS settings as the kubelet composes them, before trimming to its limits. */
export interface ComposedDns {
  nameservers: string[];
  search: string[];
  /** The part the policy adds (cluster DNS and cluster search, or the node's resolv.conf). */
  auto: { nameservers: string[]; search: string[] };
}

/**
 * The kubelet's composition (pkg/kubelet/network/dns): the policy's servers and search list, then
 * dnsConfig appended with duplicates dropped. Undefined when a needed part (cluster DNS) is unseen;
 * with the node's resolv.conf unseen the result is a lower bound.
 */
export function composeDns(pod: Pod, e: Evidence): ComposedDns | undefined {
  const policy = dnsPolicyOf(pod);
  const hostNet = !!pod.spec.hostNetwork;
  const node = seenValue(e.nodeResolvConf);
  let auto: ComposedDns['auto'] = { nameservers: [], search: [] };
  if (policy === 'ClusterFirstWithHostNet' || (policy === 'ClusterFirst' && !hostNet)) {
    const dns = seenValue(e.clusterDns);
    if (!dns) return undefined;
    const d = dns.clusterDomain.replace(/\.$/, '');
    const ns = pod.metadata.namespace ?? 'default';
    auto = {
      nameservers: [dns.ip],
      search: unique([`${ns}.svc.${d}`, `svc.${d}`, d, ...(node?.search ?? [])]),
    };
  } else if (policy !== 'None') {
    auto = { nameservers: node?.nameservers ?? [], search: node?.search ?? [] };
  }
  const cfg = pod.spec.dnsConfig;
  return {
    nameservers: unique([...auto.nameservers, ...(cfg?.nameservers ?? [])]),
    search: unique([...auto.search, ...(cfg?.searches ?? [])]),
    auto,
  };
}

// ---- NodeLocal DNSCache ----

/** The NodeLocal DaemonSet's namespace and name (the upstream manifest's when unseen). */
export function nodeLocalDaemonSet(e: Evidence): { namespace: string; name: string } {
  const meta = seenValue(e.nodeLocal)?.daemonSet?.metadata;
  return { namespace: meta?.namespace ?? 'kube-system', name: meta?.name ?? 'node-local-dns' };
}

/**
 * Whether node-cache also listens on the cluster DNS IP (iptables mode), so pods reach it
 * unchanged: the gathered fact, else its Corefile's `bind`, else IPVS mode means no.
 */
export function nodeLocalBindsClusterIp(e: Evidence): { binds: boolean; why: string } | undefined {
  const nl = seenValue(e.nodeLocal);
  if (!nl) return undefined;
  if (nl.bindsClusterIp !== undefined)
    return { binds: nl.bindsClusterIp, why: 'node-cache listen addresses' };
  const clusterIps = clusterDnsIps(e);
  const binds = (nl.corefile?.servers ?? []).flatMap((s) => s.directives.filter((d) => d.name === 'bind'));
  if (binds.length > 0) {
    const withIp = binds.find((d) => d.args.some((a) => clusterIps.includes(a)));
    const shown = withIp ?? binds[0];
    return { binds: !!withIp, why: `node-cache Corefile line ${shown?.line}: bind ${shown?.args.join(' ')}` };
  }
  const mode = seenValue(e.kubeProxy)?.mode;
  return mode === 'ipvs' ? { binds: false, why: 'kube-proxy runs in IPVS mode' } : undefined;
}

// ---- the client ----

/** `ns/name` of the client pod, from the object when seen, else from the target. */
export function clientRef(e: Evidence): string {
  const pod = seenValue(e.clientPod);
  return pod
    ? `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`
    : `${e.target.namespace ?? 'default'}/${e.target.pod ?? 'pod'}`;
}

export function describeLibc(libc: ClientLibc): string {
  const how = libc.inferred ? 'inferred from the image' : 'read in the container';
  return [libc.libc, libc.version, libc.architecture, libc.image, `(${how})`].filter(Boolean).join(' ');
}

/** Whether this musl retries truncated answers over TCP (1.2.4, Alpine 3.18+); undefined when unknown. */
export function muslHasTcpFallback(libc: ClientLibc): boolean | undefined {
  if (libc.version) return compareVersions(libc.version, '1.2.4') >= 0;
  const m = /alpine:?(\d+)\.(\d+)/i.exec(libc.image ?? '');
  return m ? Number(m[1]) > 3 || Number(m[2]) >= 18 : undefined;
}

/** `kubectl exec` into the container that runs `image` (else the first), with a shell script. */
export function execInClient(pod: Pod, image: string | undefined, script: string): string {
  const container = pod.spec.containers.find((c) => c.image === image) ?? pod.spec.containers[0];
  const c = container ? ` -c ${shq(container.name)}` : '';
  return `kubectl -n ${shq(pod.metadata.namespace ?? 'default')} exec ${shq(pod.metadata.name)}${c} -- sh -c ${shq(script)}`;
}

/** Shows which musl a container carries (the dynamic loader prints its version). */
export const MUSL_VERSION_SCRIPT = 'ls /lib/ld-musl-*; /lib/ld-musl-*.so.1 2>&1 | head -2';

// ---- kubelet limits ----

export const MAX_NAMESERVERS = 3;
const MAX_DOMAIN = 253;

export function kubeletSearchLimits(node: Node | undefined): { paths: number; chars: number; era: string } {
  const minor = kubeletMinor(node);
  if (minor !== undefined && minor < 28) return { paths: 6, chars: 256, era: `kubelet 1.${minor}` };
  return {
    paths: 32,
    chars: 2048,
    era: minor === undefined ? 'kubelet version unseen' : `kubelet 1.${minor}`,
  };
}

/** The kubelet's trim: first N paths, no over-long domain, then drop from the end until it fits. */
export function trimSearch(search: string[], lim: { paths: number; chars: number }): string[] {
  let kept = search.slice(0, lim.paths).filter((s) => s.length <= MAX_DOMAIN);
  while (kept.length > 0 && kept.join(' ').length > lim.chars) kept = kept.slice(0, -1);
  return kept;
}

// ---- Corefile ----

const inZone = (name: string, zone: string): boolean => {
  const z = bareName(zone);
  return z === '' || name === z || name.endsWith(`.${z}`);
};

/** The `forward` that handles `name`: the most specific server block, then its most specific forward. */
export function forwardFor(corefile: Corefile, name: string): Directive | undefined {
  const depth = (zones: string[]): number =>
    Math.max(-1, ...zones.filter((z) => inZone(name, z)).map((z) => bareName(z).length));
  const server = corefile.servers
    .filter((s) => depth(s.keys.map((k) => k.zone)) >= 0)
    .sort((a, b) => depth(b.keys.map((k) => k.zone)) - depth(a.keys.map((k) => k.zone)))[0];
  const forwards = (server?.directives ?? []).filter(
    (d) => d.name === 'forward' && inZone(name, d.args[0] ?? '.'),
  );
  return forwards.sort((a, b) => depth([b.args[0] ?? '.']) - depth([a.args[0] ?? '.']))[0];
}
