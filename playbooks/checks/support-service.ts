/**
 * Helpers shared by the upstream, Service and StatefulSet checks: naming the DNS Deployment and
 * its nodes for remedies, matching probe names, quoting untrusted text for excerpts and commands.
 */
import type { Evidence, ProbeResult } from '../model/evidence.js';
import type { Remedy } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import type { EndpointSlice, Node, Pod, Service, StatefulSet } from '../model/k8s.js';
import { isClusterName } from './support.js';

/** Excerpts quote logs and objects, which are untrusted: keep them short, one line, no control characters. */
export function clip(text: string, max = 300): string {
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}

/** A word safe to paste into a shell command: kept as is when plain, else single-quoted. */
export function shq(word: string): string {
  return /^[A-Za-z0-9_./:@=,+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `api.example.net` from `API.example.net.`: how names are compared. */
export function normName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** Namespace of the cluster DNS Service (kube-system unless the evidence says otherwise). */
export function dnsNamespace(e: Evidence): string {
  return seenValue(e.clusterDns)?.service.metadata.namespace ?? 'kube-system';
}

/** Label selector of the DNS pods as `k=v,...`, from the DNS Service (k8s-app=kube-dns by default). */
export function dnsSelector(e: Evidence): string {
  const selector = seenValue(e.clusterDns)?.service.spec.selector;
  const pairs = Object.entries(selector ?? {}).map(([k, v]) => `${k}=${v}`);
  return pairs.length > 0 ? pairs.join(',') : 'k8s-app=kube-dns';
}

/** The node a CoreDNS-side command should run on: where the side probes ran, else a CoreDNS pod's node. */
export function corednsNode(e: Evidence): string | undefined {
  const probed = seenValue(e.corednsSideProbes)?.node;
  if (probed) return probed;
  const pods = seenValue(e.corednsPods) ?? [];
  return pods.find((p) => p.spec.nodeName)?.spec.nodeName ?? seenValue(e.corednsNodes)?.[0]?.metadata.name;
}

/** `i-0bbb2222` from `aws:///eu-west-1a/i-0bbb2222` or `cn-hangzhou.i-bp1x`; the node name otherwise. */
export function instanceId(node: Node): string {
  const last = node.spec?.providerID?.split('/').filter(Boolean).pop();
  if (!last) return node.metadata.name;
  const ecs = /(?:^|\.)(i-[A-Za-z0-9]+)$/.exec(last);
  return ecs?.[1] ?? last;
}

/** Instance ids of the nodes that run CoreDNS, for the provider ticket. */
export function corednsInstanceIds(e: Evidence): string[] {
  const nodes = seenValue(e.corednsNodes) ?? [];
  if (nodes.length > 0) return nodes.map(instanceId);
  const pods = seenValue(e.corednsPods) ?? [];
  return [...new Set(pods.flatMap((p) => (p.spec.nodeName ? [p.spec.nodeName] : [])))];
}

/** `2026-11-26T09:58:03Z` from any ISO-8601 time: the ticket wants the second. */
export function toSecond(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Whether `at` lies within `minutes` before `observedAt` (unknown times count as recent). */
export function isRecent(at: string | undefined, observedAt: string, minutes: number): boolean {
  const t = at ? Date.parse(at) : Number.NaN;
  const now = Date.parse(observedAt);
  if (Number.isNaN(t) || Number.isNaN(now)) return true;
  return now - t <= minutes * 60_000;
}

/** One line describing a probe: `20 udp A api.example.net @10.0.0.2:53: 20 answered (SERVFAIL 20), 0 timeouts`. */
export function describeProbe(p: ProbeResult): string {
  const codes = Object.entries(p.rcodes)
    .map(([code, n]) => `${code} ${n}`)
    .join(', ');
  const tc = p.truncated > 0 ? `, ${p.truncated} truncated` : '';
  return clip(
    `${p.attempts} ${p.transport} ${p.qtype} ${p.name} @${p.server}: ${p.answered} answered (${codes}), ${p.timeouts} timeouts${tc}`,
  );
}

/** `deployment/web` for a pod of ReplicaSet `web-7d9f8c6b5`: the workload to patch, when known. */
export function workloadOf(pod: Pod): string | undefined {
  const owner = pod.metadata.ownerReferences?.find((o) => o.controller) ?? pod.metadata.ownerReferences?.[0];
  if (!owner) return undefined;
  if (owner.kind === 'ReplicaSet') {
    // A Deployment's ReplicaSet is `<deployment>-<pod-template-hash>`.
    const m = /^(.+)-[a-z0-9]{5,10}$/.exec(owner.name);
    return m ? `deployment/${m[1]}` : `replicaset/${owner.name}`;
  }
  return `${owner.kind.toLowerCase()}/${owner.name}`;
}

export function isHeadless(svc: Service): boolean {
  return svc.spec.clusterIP === 'None';
}

/** Endpoints of the slices; `ready` unset means ready (the EndpointSlice API's rule). */
export function endpointsOf(slices: EndpointSlice[] | undefined) {
  return (slices ?? []).flatMap((s) => s.endpoints ?? []);
}

export function readyAddresses(slices: EndpointSlice[] | undefined): string[] {
  return endpointsOf(slices).flatMap((ep) => (ep.conditions?.ready === false ? [] : ep.addresses));
}

export function svcRef(svc: Service): string {
  return `${svc.metadata.namespace ?? 'default'}/${svc.metadata.name}`;
}

/** The client's probes of `name` (compared without case or trailing dot). */
export function clientProbesOf(e: Evidence, name: string): ProbeResult[] {
  const want = normName(name);
  return (seenValue(e.clientProbes)?.results ?? []).filter((p) => normName(p.name) === want);
}

/** The CoreDNS Deployment's name, for rollout and set-image commands. */
export function corednsDeploymentName(e: Evidence): string {
  return seenValue(e.corednsDeployment)?.metadata.name ?? 'coredns';
}

/** `{ host: '10.0.0.2', port: '53' }` from `10.0.0.2:53`, `[fd00::5]:53` or a bare address. */
export function splitServer(server: string): { host: string; port: string } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(server);
  if (v6) return { host: v6[1] ?? server, port: v6[2] ?? '53' };
  const m = /^([^:]+):(\d+)$/.exec(server);
  return m ? { host: m[1] ?? server, port: m[2] ?? '53' } : { host: server, port: '53' };
}

/** The ConfigMap the Corefile came from (`kube-system/coredns` unless the evidence says otherwise). */
export function corefileConfigMap(e: Evidence): { namespace: string; name: string } {
  const [namespace, name] = (seenValue(e.corefile)?.source ?? '').split('/');
  return namespace && name ? { namespace, name } : { namespace: dnsNamespace(e), name: 'coredns' };
}

/** Prints the Corefile CoreDNS runs, to check its `forward` targets. */
export function showCorefile(e: Evidence): string {
  const cm = corefileConfigMap(e);
  return `kubectl -n ${shq(cm.namespace)} get configmap ${shq(cm.name)} -o jsonpath='{.data.Corefile}'`;
}

/** A `dig` run from a CoreDNS node's network (what the guide does with nsenter), or a way to find one. */
export function digFromCorednsNode(
  e: Evidence,
  server: string | undefined,
  name: string,
  qtype: string,
  flags = '+time=2 +tries=1',
): string {
  const node = corednsNode(e);
  if (!node) return `kubectl -n ${dnsNamespace(e)} get pods -l ${dnsSelector(e)} -o wide`;
  const at = server ? (({ host, port }) => ` @${shq(host)} -p ${port}`)(splitServer(server)) : '';
  return `kubectl debug node/${shq(node)} -it --image=nicolaka/netshoot -- dig${at} ${shq(name)} ${shq(qtype)} ${flags}`;
}

/** Node search suffixes (EC2, GCE, Azure): NXDOMAIN under them is the resolver walking its search list. */
const CLOUD_SUFFIX =
  /\.(ec2\.internal|compute\.internal|google\.internal|c\.[a-z0-9-]+\.internal|internal\.cloudapp\.net|reddog\.microsoft\.com)$/;

/** Whether `name` ends in the cluster domain, a search domain of the pod or node, or a cloud suffix. */
export function isSearchExpansion(e: Evidence, name: string): boolean {
  const n = normName(name);
  const domains = [seenValue(e.clusterDns)?.clusterDomain, seenValue(e.corednsLogs)?.clusterDomain];
  if (domains.some((d) => d && isClusterName(n, d))) return true;
  const search = [
    ...(seenValue(e.podResolvConf)?.parsed.search ?? []),
    ...(seenValue(e.nodeResolvConf)?.search ?? []),
  ];
  return search.some((s) => n.endsWith(`.${normName(s)}`)) || CLOUD_SUFFIX.test(n);
}

/**
 * Whether CoreDNS made this code itself rather than relaying the upstream's: an `aa` answer,
 * REFUSED from forward's max_concurrent, SERVFAIL after upstream timeouts or with no healthy proxy.
 */
export function codeFromCoreDns(e: Evidence, name: string, rcode: string): boolean {
  const n = normName(name);
  const logs = seenValue(e.corednsLogs);
  if (logs?.failedNames.some((f) => normName(f.name) === n && f.rcode === rcode && f.authoritative))
    return true;
  const kinds = new Set(logs?.events.map((ev) => ev.kind));
  if (rcode === 'REFUSED') return kinds.has('max-concurrent');
  if (rcode !== 'SERVFAIL') return false;
  const timedOut = logs?.upstreamErrors.some((u) => u.timeouts > 0 && normName(u.sample).includes(` ${n}. `));
  return kinds.has('no-healthy-proxies') || timedOut === true;
}

/** Direct probes from a CoreDNS node to an upstream, by query name and/or server (`10.0.0.2` = `10.0.0.2:53`). */
export function upstreamProbes(e: Evidence, by: { name?: string; server?: string }): ProbeResult[] {
  const want = by.server ? splitServer(by.server) : undefined;
  return (seenValue(e.corednsSideProbes)?.results ?? []).filter((p) => {
    if (p.hop !== 'upstream') return false;
    if (by.name !== undefined && normName(p.name) !== normName(by.name)) return false;
    const got = splitServer(p.server);
    return !want || (got.host === want.host && got.port === want.port);
  });
}

/** The parts of a Service name: `db-0.db.data.svc.cluster.local` -> host db-0, service db, namespace data. */
export interface ServiceName {
  host?: string;
  service: string;
  namespace?: string;
}

/** Splits a cluster name into host/service/namespace; undefined for pod-IP names (`*.pod.<domain>`) and others. */
export function splitServiceName(name: string, clusterDomain: string | undefined): ServiceName | undefined {
  let n = normName(name);
  const domain = clusterDomain ? normName(clusterDomain) : undefined;
  if (domain && n.endsWith(`.${domain}`)) n = n.slice(0, -domain.length - 1);
  else if (n.includes('.svc.')) n = n.slice(0, n.indexOf('.svc.'));
  if (n.endsWith('.pod') || n === 'pod') return undefined;
  n = n.replace(/\.svc$/, '');
  const labels = n.split('.');
  if (labels.some((l) => l === '') || labels.length > 3) return undefined;
  const [a, b, c] = labels;
  if (labels.length === 3) return { host: a, service: b ?? '', namespace: c };
  return b ? { service: a ?? '', namespace: b } : { service: a ?? '' };
}

/** Create the governing Service, fix the existing one's selector, or point the StatefulSet at it. */
export type GoverningFix = 'create-service' | 'fix-selector' | 'recreate-statefulset';

/** Commands that make `governing` the headless Service of `sts`, selecting its pods. */
export function governingServiceRemedy(
  sts: StatefulSet,
  svc: Service | undefined,
  governing: string,
  fix: GoverningFix,
): Remedy {
  const ns = shq(sts.metadata.namespace ?? 'default');
  const name = sts.metadata.name;
  const labels = JSON.stringify(sts.spec.selector?.matchLabels ?? {});
  const manifest = JSON.stringify({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: governing },
    spec: { clusterIP: 'None', selector: sts.spec.selector?.matchLabels ?? {} },
  });
  const create = `echo '${manifest}' | kubectl -n ${ns} apply -f -`;
  if (fix === 'create-service')
    return { summary: `Create the headless Service ${governing} selecting the pods`, commands: [create] };
  if (fix === 'fix-selector') {
    const selector = `[{"op":"replace","path":"/spec/selector","value":${labels}}]`;
    return {
      summary: `Make Service ${governing} select the StatefulSet's pods`,
      commands: [`kubectl -n ${ns} patch service ${shq(governing)} --type=json -p '${selector}'`],
    };
  }
  // serviceName is immutable: recreate the StatefulSet object and keep its pods (--cascade=orphan).
  const exists = svc?.metadata.name === governing && isHeadless(svc);
  const file = shq(`${name}-statefulset.json`);
  const fresh = {
    resourceVersion: null,
    uid: null,
    creationTimestamp: null,
    generation: null,
    managedFields: null,
  };
  const patch = JSON.stringify({ metadata: fresh, spec: { serviceName: governing }, status: null });
  return {
    summary: `Set spec.serviceName to ${governing} (immutable: recreate the StatefulSet, keeping its pods)`,
    commands: [
      ...(exists ? [] : [create]),
      `kubectl -n ${ns} get statefulset ${shq(name)} -o json > ${file}`,
      `kubectl -n ${ns} delete statefulset ${shq(name)} --cascade=orphan`,
      `kubectl patch --local -f ${file} --type=merge -p '${patch}' -o json | kubectl create -f -`,
    ],
  };
}
