/**
 * pod.resolv-conf-limits: the pod's DNS settings exceed what the kubelet writes: at most 3
 * nameservers, and 32 search domains / 2048 characters since Kubernetes 1.28 (6 / 256 before).
 * The kubelet silently drops the excess (a `DNSConfigForming` event says so), so a nameserver or
 * search domain the pod relies on is missing. Guide: "Other modules", /etc/resolv.conf.
 */
import type { Check } from '../model/check.js';
import type { Evidence } from '../model/evidence.js';
import type { Excerpt, Finding, Remedy } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import type { Pod } from '../model/k8s.js';
import {
  type ComposedDns,
  composeDns,
  dnsPolicyOf,
  kubeletSearchLimits,
  MAX_NAMESERVERS,
  trimSearch,
} from './support/kubelet-dns.js';
import { clientNodeName } from './support/names.js';
import { clusterResolverIps } from './support/nodelocal.js';
import { shq } from './support/shell.js';
import { quote } from './support/text.js';
import { finding, isClusterName, podRef } from './support.js';
import { patchPodSpec, resolvLines, resolvSource } from './support-pod.js';

type Limits = ReturnType<typeof kubeletSearchLimits>;

function remediesFor(
  e: Evidence,
  pod: Pod,
  composed: ComposedDns | undefined,
  lim: Limits,
  lostCluster: boolean,
): Remedy[] {
  const ns = shq(pod.metadata.namespace ?? 'default');
  const remedies: Remedy[] = [];
  const cfg = pod.spec.dnsConfig;
  const clusterIps = clusterResolverIps(e);
  if (lostCluster && dnsPolicyOf(pod) === 'Default') {
    // The cluster DNS listed in dnsConfig loses to the node's resolvers; ClusterFirst puts it first.
    const dnsPolicy = pod.spec.hostNetwork ? 'ClusterFirstWithHostNet' : 'ClusterFirst';
    remedies.push({
      summary: `Use dnsPolicy ${dnsPolicy} so the cluster DNS comes first.`,
      commands: [patchPodSpec(pod, { dnsPolicy })],
    });
  } else if (composed && cfg) {
    const room = Math.max(0, MAX_NAMESERVERS - composed.auto.nameservers.length);
    const extra = (cfg.nameservers ?? []).filter((ip) => !composed.auto.nameservers.includes(ip));
    const nameservers = [
      ...extra.filter((ip) => clusterIps.includes(ip)),
      ...extra.filter((ip) => !clusterIps.includes(ip)),
    ];
    const kept = trimSearch(composed.search, lim);
    const searches = (cfg.searches ?? []).filter(
      (d) => kept.includes(d) && !composed.auto.search.includes(d),
    );
    // Only the lists the pod set: a merge patch replaces lists and leaves other keys alone.
    const dnsConfig = {
      ...(cfg.nameservers ? { nameservers: nameservers.slice(0, room) } : {}),
      ...(cfg.searches ? { searches } : {}),
    };
    remedies.push({
      summary: 'Trim the pod dnsConfig to what the kubelet keeps.',
      commands: [patchPodSpec(pod, { dnsConfig })],
    });
  }
  const node = clientNodeName(e);
  const nodeOver =
    !!composed &&
    (composed.auto.nameservers.length > MAX_NAMESERVERS ||
      trimSearch(composed.auto.search, lim).length < composed.auto.search.length);
  if (node && nodeOver) {
    remedies.push({
      summary: `The node's own resolv.conf on ${node} already exceeds the limits: trim the file the kubelet reads (resolvConf).`,
      commands: [
        `kubectl get --raw /api/v1/nodes/${shq(node)}/proxy/configz | grep -o '"resolvConf":"[^"]*"'`,
      ],
    });
  }
  remedies.push({
    summary: 'See what the kubelet applied after trimming.',
    commands: [
      `kubectl -n ${ns} get events --field-selector involvedObject.name=${shq(pod.metadata.name)},reason=DNSConfigForming`,
    ],
  });
  return remedies;
}

function run(e: Evidence): Finding[] {
  const pod = seenValue(e.clientPod);
  if (!pod) return [];
  const events = (seenValue(e.clientEvents) ?? []).filter(
    (ev) =>
      ev.reason === 'DNSConfigForming' &&
      (!ev.involvedObject?.name || ev.involvedObject.name === pod.metadata.name),
  );
  const lim = kubeletSearchLimits(seenValue(e.clientNode));
  const composed = composeDns(pod, e);
  const keptSearch = composed ? trimSearch(composed.search, lim) : [];
  const droppedSearch = (composed?.search ?? []).filter((d) => !keptSearch.includes(d));
  const droppedNs = (composed?.nameservers ?? []).slice(MAX_NAMESERVERS);
  const observed = seenValue(e.podResolvConf);
  const read = observed && observed.source !== 'computed' ? observed.parsed : undefined;
  const observedOver =
    !!read &&
    (read.nameservers.length > MAX_NAMESERVERS ||
      read.search.length > lim.paths ||
      read.search.join(' ').length > lim.chars);
  if (events.length === 0 && droppedNs.length === 0 && droppedSearch.length === 0 && !observedOver) return [];

  const ref = podRef(pod);
  const domain = seenValue(e.clusterDns)?.clusterDomain;
  const clusterIps = clusterResolverIps(e);
  // Losing the cluster DNS server or a cluster search domain breaks cluster names now.
  const lostCluster =
    droppedNs.some((ip) => clusterIps.includes(ip)) ||
    droppedSearch.some((d) => domain !== undefined && isClusterName(d, domain));

  const evidence: Excerpt[] = events
    .slice(0, 2)
    .map((ev) =>
      quote(`event on pod ${ref}`, `${ev.type ?? 'Warning'} DNSConfigForming: ${ev.message ?? ''}`),
    );
  const cfg = pod.spec.dnsConfig;
  if (cfg) {
    const text = `nameservers: [${(cfg.nameservers ?? []).join(', ')}] searches: [${(cfg.searches ?? []).join(', ')}]`;
    evidence.push(quote(`pod ${ref} spec.dnsConfig (dnsPolicy ${dnsPolicyOf(pod)})`, text));
  }
  if (droppedNs.length || droppedSearch.length) {
    const text = `omits nameservers [${droppedNs.join(', ')}] and search domains [${droppedSearch.join(', ')}] (limits: ${MAX_NAMESERVERS} nameservers; ${lim.paths} domains / ${lim.chars} chars, ${lim.era})`;
    evidence.push(quote('kubelet composition', text));
  }
  if (observed && observedOver) {
    const lines = `${resolvLines(observed, 'nameserver')}\n${resolvLines(observed, 'search')}`;
    evidence.push(quote(resolvSource(observed, ref), lines));
  }
  return [
    finding('pod.resolv-conf-limits', {
      severity: lostCluster ? 'critical' : 'warning',
      title: `DNS config of pod ${ref} exceeds the kubelet limits; entries were dropped`,
      detail:
        `The kubelet writes at most ${MAX_NAMESERVERS} nameservers and ${lim.paths} search domains / ${lim.chars} characters (${lim.era}) and silently drops the rest. ` +
        (lostCluster
          ? 'What it dropped includes the cluster DNS server or a cluster search domain, so cluster names fail.'
          : 'Lookups that rely on the dropped nameservers or search domains fail or go elsewhere.'),
      evidence,
      remedies: remediesFor(e, pod, composed, lim, lostCluster),
      weight: events.length > 0 || observedOver ? 0.7 : 0.5,
    }),
  ];
}

export const check: Check = { id: 'pod.resolv-conf-limits', needs: ['clientPod'], run };
