/**
 * Helpers shared by the pod, client and NodeLocal checks: the asked name, the pod's resolv.conf,
 * probe lines, the client's libc, and the commands that change a pod's DNS settings.
 */
import type { ClientLibc, Evidence, ObservedResolvConf, ProbeResult } from '../model/evidence.js';
import { seenValue } from '../model/gathered.js';
import type { Pod } from '../model/k8s.js';
import type { Corefile, Directive } from '../parsers/corefile-types.js';
import type { ResolvConf } from '../parsers/resolv-conf-types.js';
import { normName, workloadOf } from './support/names.js';
import { clusterResolverIps } from './support/nodelocal.js';
import { shq } from './support/shell.js';
import { clip } from './support/text.js';
import { compareVersions, isClusterName } from './support.js';

export type NameKind = 'cluster' | 'external';

/** Whether a name the user typed is served by the cluster: FQDN in the domain, or a short Service name. */
export function classifyName(name: string, e: Evidence): NameKind {
  const fqdn = name.trim().endsWith('.');
  const n = normName(name);
  const domain = seenValue(e.clusterDns)?.clusterDomain;
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
  const cluster = clusterResolverIps(e);
  if (!parsed.nameservers.some((ip) => cluster.includes(ip))) return false;
  const domain = seenValue(e.clusterDns)?.clusterDomain;
  if (domain && isClusterName(normName(name), domain)) return true;
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

/** `A example.com over udp: 17/20 answered (NOERROR 17), 3 timeouts`. */
export function describeProbe(r: ProbeResult): string {
  const codes = Object.entries(r.rcodes)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const mode = r.mode === 'same-socket' ? ' A+AAAA same socket' : '';
  const tc = r.truncated > 0 ? `, ${r.truncated} truncated` : '';
  return clip(
    `${r.qtype} ${r.name} over ${r.transport}${mode}: ${r.answered}/${r.attempts} answered (${codes || 'no answer'}), ${r.timeouts} timeouts${tc}`,
  );
}

export function probeSource(r: ProbeResult): string {
  return `probe ${r.side} -> ${r.hop} ${r.server}`;
}

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

const inZone = (name: string, zone: string): boolean => {
  const z = normName(zone);
  return z === '' || name === z || name.endsWith(`.${z}`);
};

/** The `forward` that handles `name`: the most specific server block, then its most specific forward. */
export function forwardFor(corefile: Corefile, name: string): Directive | undefined {
  const depth = (zones: string[]): number =>
    Math.max(-1, ...zones.filter((z) => inZone(name, z)).map((z) => normName(z).length));
  const server = corefile.servers
    .filter((s) => depth(s.keys.map((k) => k.zone)) >= 0)
    .sort((a, b) => depth(b.keys.map((k) => k.zone)) - depth(a.keys.map((k) => k.zone)))[0];
  const forwards = (server?.directives ?? []).filter(
    (d) => d.name === 'forward' && inZone(name, d.args[0] ?? '.'),
  );
  return forwards.sort((a, b) => depth([b.args[0] ?? '.']) - depth([a.args[0] ?? '.']))[0];
}
