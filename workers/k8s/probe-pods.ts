/**
 * The only writes dnsmedic makes to a cluster: create, read and delete its own probe pods in its
 * probe namespace (deploy/rbac.yaml grants exactly these there). Same transport as the reader:
 * per-request timeouts, errors mapped to `ClusterApiError` naming the RBAC rule.
 */
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import type { Pod } from '../../playbooks/model/k8s.js';
import type { Operation } from './errors.js';
import { type KubeConfigOptions, loadKubeConfig } from './kubeconfig.js';
import { Semaphore } from './semaphore.js';
import { plain, Transport } from './transport.js';

export interface ProbePodApi {
  create(namespace: string, pod: object): Promise<Pod>;
  /** Fresh every call (the pod's phase changes while we wait). */
  get(namespace: string, name: string): Promise<Pod>;
  log(namespace: string, name: string, limitBytes: number): Promise<string>;
  delete(namespace: string, name: string): Promise<void>;
}

export interface ProbePodApiOptions extends KubeConfigOptions {
  requestTimeoutMs: number;
}

const op = (verb: Operation['verb'], resource: string, namespace: string, name?: string): Operation => ({
  verb,
  resource,
  apiGroup: '',
  namespace,
  ...(name !== undefined ? { name } : {}),
});

export function createProbePodApi(options: ProbePodApiOptions): ProbePodApi {
  const core = loadKubeConfig(options).makeApiClient(CoreV1Api);
  const t = new Transport({ requestTimeoutMs: options.requestTimeoutMs, semaphore: new Semaphore(4) });
  return {
    create: (namespace, pod) =>
      t.request(
        op('create', 'pods', namespace),
        (o) => core.createNamespacedPod({ namespace, body: pod as V1Pod }, o),
        plain<Pod>,
      ),
    get: (namespace, name) =>
      t.request(
        op('get', 'pods', namespace, name),
        (o) => core.readNamespacedPod({ namespace, name }, o),
        plain<Pod>,
      ),
    log: (namespace, name, limitBytes) =>
      t.request(
        op('get', 'pods/log', namespace, name),
        (o) => core.readNamespacedPodLog({ namespace, name, limitBytes }, o),
        (raw) => (typeof raw === 'string' ? raw : String(raw ?? '')),
      ),
    delete: (namespace, name) =>
      t.request(
        op('delete', 'pods', namespace, name),
        // Nothing to drain: the probe's result is already read, or no longer wanted.
        (o) => core.deleteNamespacedPod({ namespace, name, gracePeriodSeconds: 0 }, o),
        () => undefined,
      ),
  };
}
