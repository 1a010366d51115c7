/**
 * Helpers shared by the upstream, Service and StatefulSet checks: probes by name and server,
 * where an rcode came from, Service names, and the commands that reach an upstream or fix a
 * StatefulSet's governing Service.
 */
import type { Evidence, ProbeResult } from '../model/evidence.js';
import type { Remedy } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import type { Service, StatefulSet } from '../model/k8s.js';
import { splitServer } from './support/ip.js';
import { corednsNode, corefileConfigMap, dnsNamespace, dnsPodSelector, normName } from './support/names.js';
import { shq } from './support/shell.js';
import { clip } from './support/text.js';
import { isClusterName } from './support.js';

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

export function isHeadless(svc: Service): boolean {
  return svc.spec.clusterIP === 'None';
}

export function svcRef(svc: Service): string {
  return `${svc.metadata.namespace ?? 'default'}/${svc.metadata.name}`;
}

/** The client's probes of `name` (compared without case or trailing dot). */
export function clientProbesOf(e: Evidence, name: string): ProbeResult[] {
  const want = normName(name);
  return (seenValue(e.clientProbes)?.results ?? []).filter((p) => normName(p.name) === want);
}

/** Prints the Corefile CoreDNS runs, to check its `forward` targets. */
export function showCorefile(e: Evidence): string {
  const cm = corefileConfigMap(e);
  return `kubectl -n ${cm.namespace} get configmap ${cm.name} -o jsonpath='{.data.Corefile}'`;
}

/** A `dig` run from a CoreDNS node's network (what the guide does with nsenter), or a way to find one. */
export function digFromCorednsNode(
  e: Evidence,
  server: string | undefined,
  name: string,
  qtype: string,
  flags = '+time=2 +tries=1',
): string {
  const known = corednsNode(e);
  // Not known (e.g. from a log alone): the node of the first CoreDNS pod, looked up in the command.
  const node = known
    ? shq(known)
    : `$(kubectl -n ${dnsNamespace(e)} get pods -l ${dnsPodSelector(e)} -o jsonpath='{.items[0].spec.nodeName}')`;
  const at = server ? (({ host, port }) => ` @${shq(host)} -p ${port}`)(splitServer(server)) : '';
  return `kubectl debug node/${node} -it --image=nicolaka/netshoot -- dig${at} ${shq(name)} ${shq(qtype)} ${flags}`;
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
