/**
 * network.policy-blocks-dns: a NetworkPolicy selecting the client restricts egress and no rule lets
 * port 53 through to CoreDNS or NodeLocal. Every lookup then times out, although CoreDNS is healthy
 * and probes from elsewhere answer. Beyond the guide (its Security groups branch, one layer up).
 */
import type { Check } from '../model/check.js';
import type { Remedy } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import type { NetworkPolicy, NetworkPolicyPeer } from '../model/k8s.js';
import {
  type DnsPath,
  describeEgress,
  dnsPaths,
  dnsPortNames,
  egressAllows,
  restrictsEgress,
} from './support/network-policy.js';
import { safeLabels, safeName } from './support/shell.js';
import { finding, matchesSelector, podRef } from './support.js';

export const check: Check = {
  id: 'network.policy-blocks-dns',
  needs: ['networkPolicies', 'clientPod'],
  run(e) {
    const policies = seenValue(e.networkPolicies);
    const client = seenValue(e.clientPod);
    // NetworkPolicies do not apply to hostNetwork pods.
    if (!policies || !client || client.spec?.hostNetwork) return [];
    const ns = safeName(client.metadata.namespace, 'default');
    const selecting = policies.filter(
      (p) =>
        (p.metadata.namespace ?? ns) === ns &&
        restrictsEgress(p) &&
        matchesSelector(client.metadata.labels, p.spec?.podSelector ?? {}),
    );
    if (selecting.length === 0) return [];

    const paths = dnsPaths(e);
    const names = dnsPortNames(e);
    const allowed = (proto: 'UDP' | 'TCP') => paths.some((p) => egressAllows(selecting, p, proto, names, ns));
    const udp = allowed('UDP');
    const tcp = allowed('TCP');
    if (udp && tcp) return [];

    const blocked = udp ? 'TCP' : tcp ? 'UDP' : 'UDP and TCP';
    const list = selecting.map((p) => p.metadata.name).join(', ');
    const towards = paths.map((p) => p.label).join(', ');
    return [
      finding('network.policy-blocks-dns', {
        // UDP-only still resolves; only truncated answers (large records) fail over TCP.
        severity: udp ? 'warning' : 'critical',
        weight: udp ? 0.4 : 0.7,
        title: `NetworkPolicy ${list} in ${ns} blocks DNS (${blocked} 53) for pod ${podRef(client)}`,
        detail:
          `Pod ${podRef(client)} is selected by NetworkPolicy ${list}, which restricts egress, and no egress ` +
          `rule allows ${blocked} port 53 towards ${towards}. ` +
          (udp
            ? 'Ordinary lookups work over UDP, but truncated answers cannot be retried over TCP.'
            : 'Every lookup from the pod is dropped and times out, although CoreDNS itself is healthy.'),
        evidence: selecting.map((p) => ({
          source: `NetworkPolicy ${ns}/${p.metadata.name}`,
          text: describeEgress(p),
        })),
        remedies: [remedy(selecting[0], ns, paths, seenValue(e.clusterDns)?.service.spec.selector)],
      }),
    ];
  },
};

/** An egress rule for DNS on both transports, patched into the first selecting policy. */
function remedy(
  policy: NetworkPolicy | undefined,
  ns: string,
  paths: DnsPath[],
  selector?: Record<string, string>,
): Remedy {
  const name = safeName(policy?.metadata.name, '');
  if (!name)
    return {
      summary: `Add an egress rule allowing UDP and TCP 53 to the cluster DNS in ${ns}`,
      commands: [`kubectl -n ${ns} get networkpolicy`],
    };
  const peers = paths.flatMap((p): NetworkPolicyPeer[] => {
    const pod = p.pods?.[0];
    if (pod) {
      return [
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': pod.namespace } },
          podSelector: { matchLabels: shellSafe(selector ?? pod.labels) },
        },
      ];
    }
    const ip = p.ips[0];
    return ip ? [{ ipBlock: { cidr: ip.includes(':') ? `${ip}/128` : `${ip}/32` } }] : [];
  });
  const to = [...new Map(peers.map((p) => [JSON.stringify(p), p])).values()];
  const rule = {
    to,
    ports: [
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ],
  };
  // JSON Patch `/spec/egress/-` appends, but needs the array to exist.
  const op = policy?.spec?.egress
    ? { op: 'add', path: '/spec/egress/-', value: rule }
    : { op: 'add', path: '/spec/egress', value: [rule] };
  return {
    summary: `Add an egress rule allowing UDP and TCP 53 to the cluster DNS in NetworkPolicy ${ns}/${name}`,
    commands: [
      `kubectl -n ${ns} get networkpolicy ${name} -o yaml`,
      `kubectl -n ${ns} patch networkpolicy ${name} --type=json -p '${JSON.stringify([op])}'`,
    ],
  };
}

const REVISION_HASHES = new Set(['pod-template-hash', 'controller-revision-hash']);

/** Labels fit for a selector inside a quoted command: no per-revision hashes, no shell or JSON metacharacters. */
function shellSafe(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(safeLabels(labels)).filter(([k]) => !REVISION_HASHES.has(k)));
}
