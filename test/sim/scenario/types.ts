/**
 * A simulator scenario: one cluster, its DNS behaviour, and the verdict dnsmedic must reach.
 * The file format is documented in docs/scenarios.md; `loadScenario` (load.ts) validates it and
 * resolves `extends`. Objects are Kubernetes objects in their API form (`kubectl get -o yaml`).
 */

/** Any Kubernetes object: apiVersion, kind and metadata.name are required, the rest is the API's. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown };
  [field: string]: unknown;
}

/** An injected API fault: every request matching verb, resource and namespace gets `status`. */
export interface ApiFault {
  /** `get`, `list` or `create`/`delete`; any verb when absent. */
  verb?: 'get' | 'list' | 'create' | 'delete';
  /** Plural resource with optional subresource and group: `pods`, `pods/log`, `deployments.apps`, `pods.metrics.k8s.io`. */
  resource: string;
  namespace?: string;
  /** 403 Forbidden (RBAC), 404, 500, 503... */
  status: number;
  /** Extra delay before answering this request, ms (to exceed a timeout or the deadline). */
  delayMs?: number;
}

/** How one simulated DNS server answers (the prober's targets; see docs/scenarios.md). */
export interface DnsServerBehaviour {
  /** Records it serves: `name` (FQDN without the dot) -> type -> values. */
  records?: Record<string, Record<string, string[]>>;
  /** Names (or `*.suffix`) answered with an error code instead of records. */
  rcodes?: Record<string, 'NXDOMAIN' | 'SERVFAIL' | 'REFUSED'>;
  /** What a name it has no record for gets: NXDOMAIN (default) or another code. */
  otherwise?: 'NXDOMAIN' | 'SERVFAIL' | 'REFUSED' | 'SILENT';
  /** Answer nothing at all, over UDP, TCP, or both. */
  silent?: 'udp' | 'tcp' | 'both';
  /** Set TC on UDP answers larger than this many bytes (512 without EDNS). */
  truncateAbove?: number;
  latencyMs?: number;
  /** Drop every Nth query (intermittent loss). */
  dropEvery?: number;
  /** Only queries over this transport count and are dropped by `dropEvery` (stale IPVS UDP entries: udp). */
  dropOnly?: 'udp' | 'tcp';
  /** Drop the second of an A/AAAA pair sent from one socket (the conntrack race). */
  dropSameSocketPair?: boolean;
}

export interface NodeFactsSpec {
  conntrackEntries?: number;
  conntrackMax?: number;
  cpuBusy?: number;
  tcpRetransPerSec?: number;
  kernelLog?: string[];
}

/** What the kubelets write into pods' resolv.conf (what a probe pod sees and reports). */
export interface KubeletSpec {
  /** The nodes' /etc/resolv.conf (kubelet --resolv-conf): dnsPolicy Default gets it, ClusterFirst appends its search list. */
  resolvConf?: string;
  /** Per node: overrides of the kubelet config's clusterDNS, and of resolvConf. */
  nodes: Record<string, { clusterDNS?: string[]; resolvConf?: string }>;
}

/** How dnsmedic's probe pods fare in this cluster (they succeed when nothing is said). */
export interface ProbePodsSpec {
  /** An admission webhook or Pod Security refuses the pod: the create answers 403 with this message. */
  admissionDenied?: string;
  /** The kubelet rejects the pod on its node: it ends Failed with this reason and message. */
  nodeRejects?: { reason: string; message: string };
  /** The probe starts and never finishes (Running until deleted). */
  hang?: boolean;
}

export interface Scenario {
  /** The file's stem: `coredns-loop-detected`. */
  name: string;
  description: string;
  /** Which distribution's defaults it follows. */
  style: 'kubeadm' | 'eks' | 'aks' | 'ack' | 'k3s' | 'gke' | 'custom';
  cluster: { name: string; version: string };
  /**
   * The instant the scenario depicts (RFC 3339): every time in its objects and logs is written
   * as of then, so "restarted 2 minutes ago" stays true whenever the test runs.
   */
  now: string;
  /** What `dnsmedic diagnose --scenario` diagnoses when no target is given. */
  target: { namespace: string; pod: string; domain?: string };
  expect: {
    /** The verdict's check id, `dns.healthy` or `check.inconclusive`. */
    verdict: string;
    /** Check ids that must be among the findings. */
    findings: string[];
    /** Check ids that must not be (the near-miss a healthy scenario is about). */
    absent: string[];
  };
  objects: K8sObject[];
  /** Pod logs: `<namespace>/<pod>/<container>`, `...@previous` for the last terminated container. */
  logs: Record<string, string>;
  /** Both empty: the cluster has no metrics-server (metrics.k8s.io is not served). */
  metrics: {
    /** `<namespace>/<pod>` -> container -> usage (`cpu: 95m`, `memory: 30Mi`). */
    pods: Record<string, Record<string, { cpu: string; memory: string }>>;
    nodes: Record<string, { cpu: string; memory: string }>;
  };
  /** Served as node-exporter series by the Prometheus stand-in, per node name. */
  nodeFacts: Record<string, NodeFactsSpec>;
  /** Outputs of commands run in containers: `<namespace>/<pod>/<container>` -> command -> stdout. */
  exec: Record<string, Record<string, string>>;
  /** DNS servers by cluster address `ip:port`; each is served on loopback through the address map. */
  dns: Record<string, DnsServerBehaviour>;
  faults: { latencyMs: number; rules: ApiFault[] };
  kubelet: KubeletSpec;
  probePods: ProbePodsSpec;
  /** Cluster addresses (`ip:port`, not DNS servers) whose TCP connections from pods are refused. */
  network: { refused: string[] };
}
