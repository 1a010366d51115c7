/**
 * The cluster reader on @kubernetes/client-node 1.4: creates the API clients once, declares for
 * every call the RBAC operation it needs (so a 403 names the exact rule), and hands back plain
 * API JSON. Requests go through the Transport (bound, timeout, deadline, count, once per key).
 */
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  DiscoveryV1Api,
  NetworkingV1Api,
  VersionApi,
} from '@kubernetes/client-node';
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
} from '../../playbooks/model/k8s.js';
import type { Operation } from './errors.js';
import { currentClusterName, type KubeConfigOptions, loadKubeConfig } from './kubeconfig.js';
import { Semaphore } from './semaphore.js';
import { plain, Transport } from './transport.js';
import type { ClusterReader, ConfigMap, ListOptions, PodMetrics, ReplicaSet } from './types.js';

export interface ReaderOptions extends KubeConfigOptions {
  requestTimeoutMs: number;
  concurrency: number;
  /** The diagnosis deadline's signal; requests still running when it fires are aborted. */
  deadline?: AbortSignal;
  deadlineMs?: number;
}

const op = (
  verb: Operation['verb'],
  resource: string,
  apiGroup: string,
  namespace?: string,
  name?: string,
): Operation => {
  const o: Operation = { verb, resource, apiGroup };
  if (namespace !== undefined) o.namespace = namespace;
  if (name !== undefined) o.name = name;
  return o;
};

const items = <T>(raw: unknown): T[] => plain<{ items?: T[] }>(raw).items ?? [];
const one = <T>(raw: unknown): T => plain<T>(raw);

/** Only the selectors actually given, so equal queries make equal keys and equal URLs. */
function selectors(options: ListOptions = {}): ListOptions {
  const out: ListOptions = {};
  if (options.labelSelector) out.labelSelector = options.labelSelector;
  if (options.fieldSelector) out.fieldSelector = options.fieldSelector;
  return out;
}

interface RawPodMetrics {
  metadata?: { name?: string; namespace?: string };
  containers?: { name?: string; usage?: { cpu?: string; memory?: string } }[];
}

function podMetrics(raw: unknown): PodMetrics[] {
  return items<RawPodMetrics>(raw).map((m) => {
    const out: PodMetrics = {
      name: m.metadata?.name ?? '',
      containers: (m.containers ?? []).map((c) => ({
        name: c.name ?? '',
        cpu: c.usage?.cpu ?? '0',
        memory: c.usage?.memory ?? '0',
      })),
    };
    if (m.metadata?.namespace) out.namespace = m.metadata.namespace;
    return out;
  });
}

/** Loads the kubeconfig (throws `ClusterAccessError` when it cannot) and returns the reader. */
export function createClusterReader(options: ReaderOptions): ClusterReader {
  const kc = loadKubeConfig(options);
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const discovery = kc.makeApiClient(DiscoveryV1Api);
  const networking = kc.makeApiClient(NetworkingV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const version = kc.makeApiClient(VersionApi);
  const transportOptions = {
    requestTimeoutMs: options.requestTimeoutMs,
    semaphore: new Semaphore(options.concurrency),
    ...(options.deadline ? { deadline: options.deadline } : {}),
    ...(options.deadlineMs !== undefined ? { deadlineMs: options.deadlineMs } : {}),
  };
  const t = new Transport(transportOptions);

  return {
    clusterName: currentClusterName(kc),
    requests: () => t.requests,

    getPod: (namespace, name) =>
      t.read(
        op('get', 'pods', '', namespace, name),
        {},
        (o) => core.readNamespacedPod({ name, namespace }, o),
        one<Pod>,
      ),
    listPods: (namespace, options) => {
      const q = selectors(options);
      return t.read(
        op('list', 'pods', '', namespace),
        q,
        (o) => core.listNamespacedPod({ namespace, ...q }, o),
        items<Pod>,
      );
    },
    getNode: (name) =>
      t.read(op('get', 'nodes', '', undefined, name), {}, (o) => core.readNode({ name }, o), one<Node>),
    getNamespace: (name) =>
      t.read(
        op('get', 'namespaces', '', undefined, name),
        {},
        (o) => core.readNamespace({ name }, o),
        one<Namespace>,
      ),
    listEvents: (namespace, options) => {
      const q = selectors(options);
      return t.read(
        op('list', 'events', '', namespace),
        q,
        (o) => core.listNamespacedEvent({ namespace, ...q }, o),
        items<KubeEvent>,
      );
    },
    listNetworkPolicies: (namespace) =>
      t.read(
        op('list', 'networkpolicies', 'networking.k8s.io', namespace),
        {},
        (o) => networking.listNamespacedNetworkPolicy({ namespace }, o),
        items<NetworkPolicy>,
      ),
    getService: (namespace, name) =>
      t.read(
        op('get', 'services', '', namespace, name),
        {},
        (o) => core.readNamespacedService({ name, namespace }, o),
        one<Service>,
      ),
    listServices: (namespace) =>
      t.read(
        op('list', 'services', '', namespace),
        {},
        (o) => core.listNamespacedService({ namespace }, o),
        items<Service>,
      ),
    listEndpointSlices: (namespace, options) => {
      const q = selectors(options);
      return t.read(
        op('list', 'endpointslices', 'discovery.k8s.io', namespace),
        q,
        (o) => discovery.listNamespacedEndpointSlice({ namespace, ...q }, o),
        items<EndpointSlice>,
      );
    },
    getConfigMap: (namespace, name) =>
      t.read(
        op('get', 'configmaps', '', namespace, name),
        {},
        (o) => core.readNamespacedConfigMap({ name, namespace }, o),
        one<ConfigMap>,
      ),
    getReplicaSet: (namespace, name) =>
      t.read(
        op('get', 'replicasets', 'apps', namespace, name),
        {},
        (o) => apps.readNamespacedReplicaSet({ name, namespace }, o),
        one<ReplicaSet>,
      ),
    getDeployment: (namespace, name) =>
      t.read(
        op('get', 'deployments', 'apps', namespace, name),
        {},
        (o) => apps.readNamespacedDeployment({ name, namespace }, o),
        one<Deployment>,
      ),
    getStatefulSet: (namespace, name) =>
      t.read(
        op('get', 'statefulsets', 'apps', namespace, name),
        {},
        (o) => apps.readNamespacedStatefulSet({ name, namespace }, o),
        one<StatefulSet>,
      ),
    listStatefulSets: (namespace) =>
      t.read(
        op('list', 'statefulsets', 'apps', namespace),
        {},
        (o) => apps.listNamespacedStatefulSet({ namespace }, o),
        items<StatefulSet>,
      ),
    listDaemonSets: (namespace) =>
      t.read(
        op('list', 'daemonsets', 'apps', namespace),
        {},
        (o) => apps.listNamespacedDaemonSet({ namespace }, o),
        items<DaemonSet>,
      ),
    podLog: (namespace, name, options) =>
      t.read(
        op('get', 'pods/log', '', namespace, name),
        options,
        (o) => core.readNamespacedPodLog({ name, namespace, ...options }, o),
        (raw) => (typeof raw === 'string' ? raw : String(raw ?? '')),
      ),
    podMetrics: (namespace, options) => {
      const q = selectors(options);
      return t.read(
        op('list', 'pods', 'metrics.k8s.io', namespace),
        q,
        (o) =>
          custom.listNamespacedCustomObject(
            { group: 'metrics.k8s.io', version: 'v1beta1', namespace, plural: 'pods', ...q },
            o,
          ),
        podMetrics,
      );
    },
    serverVersion: () =>
      t.read(
        { verb: 'get', resource: 'version', apiGroup: '' },
        {},
        (o) => version.getCode({}, o),
        (raw) => plain<{ gitVersion?: string }>(raw).gitVersion ?? '',
      ),
  };
}
