/**
 * What the kubelet writes into a pod's resolv.conf (pkg/kubelet/network/dns): the dnsPolicy's
 * servers and search list, dnsConfig appended, then trimmed to the kubelet's limits.
 */

import type { Evidence } from '../../model/evidence.js';
import { seenValue } from '../../model/gathered.js';
import type { Node, Pod } from '../../model/k8s.js';
import { dnsSearchLimits } from '../../parsers/kubelet-dns.js';

/** The dnsPolicy the API server defaults to when the field is omitted. */
export function dnsPolicyOf(pod: Pod): NonNullable<Pod['spec']['dnsPolicy']> {
  return pod.spec.dnsPolicy ?? 'ClusterFirst';
}

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
 * The kubelet's composition: the policy's servers and search list, then dnsConfig appended with
 * duplicates dropped. Undefined when a needed part (cluster DNS) is unseen; with the node's
 * resolv.conf unseen the result is a lower bound.
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

export const MAX_NAMESERVERS = 3;
const MAX_DOMAIN = 253;

/** `v1.27.3` -> 27. */
export function kubeletMinor(node: Node | undefined): number | undefined {
  const m = /^v?(\d+)\.(\d+)/.exec(node?.status?.nodeInfo?.kubeletVersion ?? '');
  return m ? Number(m[2]) : undefined;
}

/**
 * Search-list limits the node's kubelet applies: 32 paths / 2048 characters with ExpandedDNSConfig
 * (on by default from 1.26, GA in 1.28), 6 / 256 before. One source: the kubelet rules' parser.
 */
export function kubeletSearchLimits(node: Node | undefined): { paths: number; chars: number; era: string } {
  const minor = kubeletMinor(node);
  const era = minor === undefined ? 'kubelet version unseen' : `kubelet 1.${minor}`;
  return { ...dnsSearchLimits(minor), era };
}

/** The kubelet's trim: first N paths, no over-long domain, then drop from the end until it fits. */
export function trimSearch(search: string[], lim: { paths: number; chars: number }): string[] {
  let kept = search.slice(0, lim.paths).filter((s) => s.length <= MAX_DOMAIN);
  while (kept.length > 0 && kept.join(' ').length > lim.chars) kept = kept.slice(0, -1);
  return kept;
}
