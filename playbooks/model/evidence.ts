import type { LogSummary } from '../logs/summary-types.js';
import type { Corefile } from '../parsers/corefile-types.js';
import type { ResolvConf } from '../parsers/resolv-conf-types.js';
import type { Gathered } from './gathered.js';
import type {
  DaemonSet,
  Deployment,
  EndpointSlice,
  KubeEvent,
  Namespace,
  NetworkPolicy,
  Node,
  Pod,
  Service,
  StatefulSet,
} from './k8s.js';

/** What the user asked about: a pod, optionally a name it fails to resolve. */
export interface Target {
  namespace?: string;
  pod?: string;
  /** The name the user reports failing (`--domain`), as typed. */
  domain?: string;
  /** Node-only diagnosis (`--node`). */
  node?: string;
}

/** The cluster's DNS front door: the Service pods get as nameserver, and what serves it. */
export interface ClusterDns {
  service: Service;
  /** The nameserver IP pods really get (the Service's clusterIP, or the kubelet's clusterDNS). */
  ip: string;
  /** From the Corefile's kubernetes plugin or the kubelet config; never assumed. */
  clusterDomain: string;
  provider: 'coredns' | 'kube-dns';
}

/** The resolv.conf inside a pod, as the kubelet wrote it (read by a probe pod: evidence, not our guess). */
export interface ObservedResolvConf {
  text: string;
  parsed: ResolvConf;
  /** Where it was read: a probe pod copying the client's DNS settings, or an exec into the client. */
  source: 'probe-pod' | 'exec' | 'computed';
}

export interface ClientLibc {
  libc: 'glibc' | 'musl' | 'go' | 'unknown';
  /** `2.31`, `1.2.3`... when known. */
  version?: string;
  /** True when guessed from the image name rather than read in the container. */
  inferred: boolean;
  image?: string;
  architecture?: string;
}

export interface ClientOwner {
  statefulSet?: StatefulSet;
  /** The Service named by the StatefulSet's serviceName, when it exists. */
  governingService?: Service;
}

export interface CorefileEvidence {
  text: string;
  parsed: Corefile;
  /** ConfigMap it came from, `kube-system/coredns`. */
  source: string;
}

/** Usage and limits per CoreDNS pod (metrics.k8s.io plus the pod spec). Millicores and bytes. */
export interface PodUsage {
  pod: string;
  node?: string;
  cpuMillis: number;
  memoryBytes: number;
  cpuLimitMillis?: number;
  memoryLimitBytes?: number;
  cpuRequestMillis?: number;
  /** CPU throttling ratio (0..1) when a source reports it. */
  throttled?: number;
}

export interface KubeProxyFacts {
  /** Whether this cluster runs kube-proxy as a DaemonSet at all. */
  runsKubeProxy: boolean;
  /** Why not, when it does not: k3s embeds it, Cilium replaces it. */
  replacedBy?: 'k3s' | 'cilium' | 'other';
  daemonSet?: DaemonSet;
  mode?: 'iptables' | 'ipvs' | 'nftables' | 'unknown';
  /** The kube-proxy pod on the client's node; undefined when there is none. */
  podOnNode?: Pod;
}

export interface NodeLocalFacts {
  deployed: boolean;
  daemonSet?: DaemonSet;
  /** Link-local listen address, 169.254.20.10 by convention. */
  localIp?: string;
  podOnNode?: Pod;
  corefile?: Corefile;
  /** Whether node-cache also binds the cluster DNS IP (iptables mode): pods reach it unchanged. */
  bindsClusterIp?: boolean;
}

/** Node facts no Kubernetes API serves (node-exporter via Prometheus, or the opt-in node probe). */
export interface NodeFacts {
  node: string;
  /** Both when the node probe's kernel log joined Prometheus's series. */
  source: 'prometheus' | 'node-probe' | 'prometheus+node-probe';
  conntrackEntries?: number;
  conntrackMax?: number;
  /** CPU busy ratio 0..1 over the window. */
  cpuBusy?: number;
  /** TCP retransmitted segments per second. */
  tcpRetransPerSec?: number;
  kernelLog?: string[];
  kernelVersion?: string;
}

export type Hop = 'nodelocal' | 'dns-service' | 'coredns-pod' | 'upstream' | 'apiserver';

/** N identical queries to one server: the unit of the guide's connectivity table. */
export interface ProbeResult {
  hop: Hop;
  side: 'client' | 'coredns';
  /** `ip:port`. */
  server: string;
  name: string;
  qtype: string;
  transport: 'udp' | 'tcp';
  /** A and AAAA from one socket (glibc's way) or separate sockets. */
  mode?: 'same-socket' | 'separate';
  attempts: number;
  /** Queries that got any answer (whatever its rcode). */
  answered: number;
  rcodes: Record<string, number>;
  timeouts: number;
  truncated: number;
  latencyMs?: { p50: number; p95: number; max: number };
  /** A raw answer or error, kept as evidence. */
  sample?: string;
}

/** The queries a libc would send for one lookup, and where that sequence first failed. */
export interface ResolverTrace {
  libc: 'glibc' | 'musl';
  name: string;
  queries: { name: string; qtype: string; server: string; outcome: string }[];
  firstFailure?: { name: string; qtype: string; server: string; outcome: string };
  result: 'answer' | 'nxdomain' | 'failure';
}

export interface ProbeEvidence {
  /** Where the probes ran: a probe pod on the client's node, or the worker itself (less faithful). */
  where: 'probe-pod' | 'worker-local';
  node?: string;
  results: ProbeResult[];
  traces?: ResolverTrace[];
}

/** The name the user asked about, and what backs it in the cluster. */
export interface AskedName {
  name: string;
  kind: 'cluster' | 'external';
  service?: Service;
  endpointSlices?: EndpointSlice[];
  statefulSet?: StatefulSet;
  /** For `<pod>.<svc>.<ns>.svc.<domain>`: the pod hostname part. */
  podHostname?: string;
}

/** How the user or an alert described the failure (from `explain` of an error message). */
export interface Symptom {
  category: 'nxdomain' | 'no-server' | 'server-error' | 'temporary' | 'truncated' | 'ambiguous';
  rcode?: string;
  /** Intermittent per the reporter (alert flapping, "sometimes"). */
  intermittent?: boolean;
}

/**
 * Everything a diagnosis may know. Each source is optional (not gathered in this mode, e.g.
 * `dnsmedic logs` has only `corednsLogs`) and, when gathered, may be unseen (403, timeout...).
 */
export interface Evidence {
  target: Target;
  /** When the evidence was gathered (ISO-8601): checks judge "recent" against this, never the clock. */
  observedAt: string;
  /**
   * `observedAt` is only the clock when the command ran (a log without times): fine for "recent",
   * not a time to put in a ticket.
   */
  observedAtIsClock?: boolean;
  symptom?: Symptom;
  clientPod?: Gathered<Pod>;
  clientNode?: Gathered<Node>;
  clientNamespace?: Gathered<Namespace>;
  clientOwner?: Gathered<ClientOwner>;
  clientEvents?: Gathered<KubeEvent[]>;
  /** NetworkPolicies in the client's namespace (checks decide which select the client). */
  networkPolicies?: Gathered<NetworkPolicy[]>;
  podResolvConf?: Gathered<ObservedResolvConf>;
  /** A CoreDNS node's own resolv.conf (what dnsPolicy Default gets), read by the CoreDNS-side probe pod. */
  nodeResolvConf?: Gathered<ResolvConf>;
  clientLibc?: Gathered<ClientLibc>;
  clusterDns?: Gathered<ClusterDns>;
  corednsDeployment?: Gathered<Deployment>;
  corednsPods?: Gathered<Pod[]>;
  corednsEndpoints?: Gathered<EndpointSlice[]>;
  corefile?: Gathered<CorefileEvidence>;
  /** `1.11.3`: from the image tag or the log banner. */
  corednsVersion?: Gathered<string>;
  corednsLogs?: Gathered<LogSummary>;
  corednsUsage?: Gathered<PodUsage[]>;
  /** Nodes that run CoreDNS, for placement and the ticket's instance ids. */
  corednsNodes?: Gathered<Node[]>;
  kubeProxy?: Gathered<KubeProxyFacts>;
  nodeLocal?: Gathered<NodeLocalFacts>;
  nodeFacts?: Gathered<NodeFacts>;
  clientProbes?: Gathered<ProbeEvidence>;
  corednsSideProbes?: Gathered<ProbeEvidence>;
  askedName?: Gathered<AskedName>;
  /** What probing could not do: series not run, probe pods that could not be deleted (first). */
  probeNotes?: string[];
}

export type EvidenceKey = Exclude<
  keyof Evidence,
  'target' | 'symptom' | 'observedAt' | 'observedAtIsClock' | 'probeNotes'
>;
