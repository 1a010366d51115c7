/**
 * The guide's flow as data: its steps in order, the checks each runs, and the branches that
 * decide whether a step applies. A branch returns the reason a step does not apply, or undefined.
 */
import type { CheckId } from '../catalog.js';
import type { Evidence } from '../model/evidence.js';
import { seenValue } from '../model/gathered.js';

export interface Step {
  id: string;
  title: string;
  guide: string;
  checks: readonly CheckId[];
  /** The guide's branch: a reason to skip this step for this evidence, or undefined to run it. */
  skipWhen?: (e: Evidence) => string | undefined;
}

const NODELOCAL_IPS = ['169.254.20.10', '169.254.25.10'];

/** The guide's Step 1 branch: which path the pod's nameserver puts it on. */
export function nameserverPath(e: Evidence): 'coredns' | 'nodelocal' | 'neither' | 'unknown' {
  const rc = seenValue(e.podResolvConf)?.parsed;
  if (!rc) return 'unknown';
  const dnsIp = seenValue(e.clusterDns)?.ip;
  const localIp = seenValue(e.nodeLocal)?.localIp;
  if (rc.nameservers.some((ns) => ns === localIp || NODELOCAL_IPS.includes(ns))) return 'nodelocal';
  if (dnsIp && rc.nameservers.includes(dnsIp)) return 'coredns';
  return 'neither';
}

export const STEPS: readonly Step[] = [
  {
    id: 'pod-config',
    title: 'DNS configuration of the application pod',
    guide: 'Step 1: Check the DNS configuration of the application pod',
    checks: [
      'pod.dns-policy-hostnetwork',
      'pod.dns-policy-default',
      'pod.nameserver-not-cluster-dns',
      'pod.resolv-conf-limits',
      'pod.ndots-amplification',
      'client.musl-resolver',
      'network.policy-blocks-dns',
    ],
    skipWhen: (e) => (e.target.pod ? undefined : 'no client pod in this diagnosis'),
  },
  {
    id: 'coredns-status',
    title: 'CoreDNS pod status and resources',
    guide: 'Step 2: Check CoreDNS pod status',
    checks: [
      'dns.provider-kube-dns',
      'coredns.no-pods',
      'coredns.service-no-endpoints',
      'coredns.pods-not-ready',
      'coredns.overloaded',
      'coredns.load-unbalanced',
    ],
  },
  {
    id: 'coredns-logs',
    title: 'CoreDNS operational logs',
    guide: 'Step 3: Check CoreDNS operational logs',
    checks: [
      'coredns.corefile-parse-error',
      'coredns.loop-detected',
      'coredns.reload-failed',
      'coredns.rbac-endpointslices',
      'coredns.apiserver-unreachable',
      'coredns.max-concurrent-exceeded',
    ],
  },
  {
    id: 'upstream',
    title: 'Upstream DNS, from CoreDNS',
    guide: 'Diagnose network connectivity of the CoreDNS pod',
    checks: ['upstream.error-rcode', 'upstream.unreachable'],
  },
  {
    id: 'reproducibility',
    title: 'Always fails, or intermittent',
    guide: 'Step 4: Check whether the issue is reproducible',
    checks: ['dns.intermittent'],
  },
  {
    id: 'query-log',
    title: 'DNS query log and Corefile',
    guide: 'Diagnose the DNS query log',
    checks: ['coredns.query-log-disabled', 'coredns.autopath-enabled'],
  },
  {
    id: 'connectivity',
    title: 'Connectivity between the pod and CoreDNS',
    guide: 'Diagnose network connectivity between application pods and CoreDNS',
    checks: [
      'network.kube-dns-service-unreachable',
      'network.coredns-pod-unreachable',
      'network.udp53-blocked',
      'kube-proxy.not-running',
      'kube-proxy.ipvs-udp-stale',
      'client.glibc-aaaa-race',
    ],
  },
  {
    id: 'names',
    title: 'The name asked for: Services, headless Services, StatefulSets',
    guide: 'FAQ: headless Service and StatefulSet pod names',
    checks: [
      'service.not-found',
      'service.headless-old-coredns',
      'service.headless-truncated',
      'service.tolerate-unready-annotation',
      'statefulset.service-name-mismatch',
    ],
    skipWhen: (e) => (e.target.domain || e.askedName ? undefined : 'no name given (use --domain)'),
  },
  {
    id: 'nodelocal',
    title: 'NodeLocal DNSCache',
    guide: 'NodeLocal DNSCache issues',
    checks: [
      'nodelocal.not-running',
      'nodelocal.not-injected',
      'nodelocal.alpine-parallel',
      'nodelocal.privatezone-prefer-udp',
    ],
    skipWhen: (e) => {
      const nl = seenValue(e.nodeLocal);
      return nl && !nl.deployed && nameserverPath(e) !== 'nodelocal'
        ? 'NodeLocal DNSCache is not deployed'
        : undefined;
    },
  },
  {
    id: 'node',
    title: "The client's node: conntrack and load",
    guide: 'Client overload and Conntrack table full',
    checks: ['node.conntrack-full', 'node.client-overloaded'],
  },
];
