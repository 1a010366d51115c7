/**
 * The cluster reader port: what the gatherers may ask of the Kubernetes API, in our own types
 * (the API's JSON form, as playbooks/model/k8s.ts describes it). The client-node adapter
 * (reader.ts) implements it; every method either resolves or rejects with a `ClusterApiError`.
 */
import type {
  DaemonSet,
  Deployment,
  EndpointSlice,
  KubeEvent,
  Namespace,
  NetworkPolicy,
  Node,
  ObjectMeta,
  Pod,
  Service,
  StatefulSet,
} from '../../playbooks/model/k8s.js';

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
}

export interface LogOptions {
  container?: string;
  tailLines?: number;
  sinceSeconds?: number;
  previous?: boolean;
  timestamps?: boolean;
  /** Caps what the server sends, so a wide window cannot exhaust memory. */
  limitBytes?: number;
}

export interface ConfigMap {
  metadata: ObjectMeta;
  data?: Record<string, string>;
}

export interface ReplicaSet {
  metadata: ObjectMeta;
}

/** One pod's usage from metrics.k8s.io, per container, as quantities (`95m`, `30Mi`). */
export interface PodMetrics {
  name: string;
  namespace?: string;
  containers: { name: string; cpu: string; memory: string }[];
}

/** Fields of a pod template the model leaves out but gatherers read (volumes, args). */
export interface TemplateSpec {
  volumes?: { name: string; configMap?: { name?: string; items?: { key: string; path: string }[] } }[];
  containers?: { name: string; image?: string; command?: string[]; args?: string[] }[];
}

export interface ClusterReader {
  /** The kubeconfig's cluster name for the current context. */
  readonly clusterName: string | undefined;
  /** API requests sent so far (each HTTP request once, however many callers shared it). */
  requests(): number;

  getPod(namespace: string, name: string): Promise<Pod>;
  listPods(namespace: string, options?: ListOptions): Promise<Pod[]>;
  getNode(name: string): Promise<Node>;
  getNamespace(name: string): Promise<Namespace>;
  listEvents(namespace: string, options?: ListOptions): Promise<KubeEvent[]>;
  listNetworkPolicies(namespace: string): Promise<NetworkPolicy[]>;
  getService(namespace: string, name: string): Promise<Service>;
  listServices(namespace: string): Promise<Service[]>;
  listEndpointSlices(namespace: string, options?: ListOptions): Promise<EndpointSlice[]>;
  getConfigMap(namespace: string, name: string): Promise<ConfigMap>;
  getReplicaSet(namespace: string, name: string): Promise<ReplicaSet>;
  getDeployment(namespace: string, name: string): Promise<Deployment>;
  getStatefulSet(namespace: string, name: string): Promise<StatefulSet>;
  listStatefulSets(namespace: string): Promise<StatefulSet[]>;
  listDaemonSets(namespace: string): Promise<DaemonSet[]>;
  podLog(namespace: string, name: string, options: LogOptions): Promise<string>;
  /** metrics.k8s.io pod metrics; rejects with `not-found` where metrics-server is not installed. */
  podMetrics(namespace: string, options?: ListOptions): Promise<PodMetrics[]>;
  /** The API server's `gitVersion` (`v1.30.4`). */
  serverVersion(): Promise<string>;
}
