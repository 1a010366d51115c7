import { parseResolvConf } from '../../../playbooks/parsers/resolv-conf.js';

/** What the kubelet writes for a ClusterFirst pod in namespace `shop` (3 cluster domains, no node suffix). */
export const KUBELET = parseResolvConf(
  'search shop.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n',
);

/** The same pod on a node whose own resolv.conf adds two search domains. */
export const KUBELET_NODE_SUFFIXES = parseResolvConf(
  'search shop.svc.cluster.local svc.cluster.local cluster.local us-east-2.compute.internal corp.example.net\n' +
    'nameserver 10.96.0.10\noptions ndots:5\n',
);

export const CLUSTER_SEARCH = ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local'];
export const NODE_SEARCH = [...CLUSTER_SEARCH, 'us-east-2.compute.internal', 'corp.example.net'];

export function rc(text: string) {
  return parseResolvConf(text);
}

/** `name` followed by each search domain. */
export function searched(name: string, search: string[]): string[] {
  return search.map((d) => `${name}.${d}`);
}
