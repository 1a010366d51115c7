/**
 * The resources the simulated API server knows: kind <-> plural <-> group/version, and whether
 * each is namespaced. Built-in kinds come from a table (served even when the scenario has none of
 * them, as a real server serves an empty list); kinds the table lacks (custom resources) are
 * derived from the scenario's objects, the way a CRD would register them.
 */
import type { K8sObject } from '../scenario/types.js';

export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  /** Where objects are kept: two APIs may serve one storage (core and events.k8s.io Events). */
  storage: string;
  /** Built-in lists omit each item's apiVersion and kind; custom resources' lists keep them. */
  builtIn: boolean;
}

type Row = [apiVersion: string, kind: string, plural: string, namespaced: boolean];

const BUILT_IN: readonly Row[] = [
  ['v1', 'Pod', 'pods', true],
  ['v1', 'Service', 'services', true],
  ['v1', 'Endpoints', 'endpoints', true],
  ['v1', 'ConfigMap', 'configmaps', true],
  ['v1', 'Secret', 'secrets', true],
  ['v1', 'ServiceAccount', 'serviceaccounts', true],
  ['v1', 'Event', 'events', true],
  ['v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true],
  ['v1', 'ReplicationController', 'replicationcontrollers', true],
  ['v1', 'ResourceQuota', 'resourcequotas', true],
  ['v1', 'LimitRange', 'limitranges', true],
  ['v1', 'Namespace', 'namespaces', false],
  ['v1', 'Node', 'nodes', false],
  ['v1', 'PersistentVolume', 'persistentvolumes', false],
  ['apps/v1', 'Deployment', 'deployments', true],
  ['apps/v1', 'DaemonSet', 'daemonsets', true],
  ['apps/v1', 'StatefulSet', 'statefulsets', true],
  ['apps/v1', 'ReplicaSet', 'replicasets', true],
  ['apps/v1', 'ControllerRevision', 'controllerrevisions', true],
  ['discovery.k8s.io/v1', 'EndpointSlice', 'endpointslices', true],
  ['networking.k8s.io/v1', 'NetworkPolicy', 'networkpolicies', true],
  ['networking.k8s.io/v1', 'Ingress', 'ingresses', true],
  ['networking.k8s.io/v1', 'IngressClass', 'ingressclasses', false],
  ['batch/v1', 'Job', 'jobs', true],
  ['batch/v1', 'CronJob', 'cronjobs', true],
  ['policy/v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true],
  ['autoscaling/v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true],
  ['coordination.k8s.io/v1', 'Lease', 'leases', true],
  ['events.k8s.io/v1', 'Event', 'events', true],
  ['rbac.authorization.k8s.io/v1', 'Role', 'roles', true],
  ['rbac.authorization.k8s.io/v1', 'RoleBinding', 'rolebindings', true],
  ['rbac.authorization.k8s.io/v1', 'ClusterRole', 'clusterroles', false],
  ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'clusterrolebindings', false],
  ['storage.k8s.io/v1', 'StorageClass', 'storageclasses', false],
  ['scheduling.k8s.io/v1', 'PriorityClass', 'priorityclasses', false],
  ['apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'customresourcedefinitions', false],
  [
    'admissionregistration.k8s.io/v1',
    'ValidatingWebhookConfiguration',
    'validatingwebhookconfigurations',
    false,
  ],
  ['admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', 'mutatingwebhookconfigurations', false],
];

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** English plural as CRDs usually spell it: policy -> policies, ingress -> ingresses. */
function pluralize(singular: string): string {
  if (/[^aeiou]y$/.test(singular)) return `${singular.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(singular)) return `${singular}es`;
  return `${singular}s`;
}

function fromRow([apiVersion, kind, plural, namespaced]: Row): ResourceType {
  const { group, version } = splitApiVersion(apiVersion);
  // Both Event APIs read the core storage (the real server converts between them).
  const storage = kind === 'Event' ? 'events' : `${plural}.${group}`;
  return { group, version, kind, plural, singular: kind.toLowerCase(), namespaced, storage, builtIn: true };
}

export class Registry {
  readonly types: ResourceType[] = BUILT_IN.map(fromRow);

  /** Registers the custom kinds among the scenario's objects. */
  constructor(objects: readonly K8sObject[]) {
    for (const object of objects) {
      if (this.byKind(object.apiVersion, object.kind) !== undefined) continue;
      const { group, version } = splitApiVersion(object.apiVersion);
      const singular = object.kind.toLowerCase();
      const plural = pluralize(singular);
      this.types.push({
        group,
        version,
        kind: object.kind,
        plural,
        singular,
        namespaced: object.metadata.namespace !== undefined,
        storage: `${plural}.${group}`,
        builtIn: false,
      });
    }
  }

  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    const { group, version } = splitApiVersion(apiVersion);
    return this.types.find((t) => t.group === group && t.version === version && t.kind === kind);
  }

  byPath(group: string, version: string, plural: string): ResourceType | undefined {
    return this.types.find((t) => t.group === group && t.version === version && t.plural === plural);
  }

  /** The group a bare plural means, as kubectl resolves it (core first): used by fault rules. */
  preferredGroup(plural: string): string | undefined {
    return this.types.find((t) => t.plural === plural)?.group;
  }

  /** Group -> its versions, in table order (the first is the preferred one). */
  groups(): Map<string, string[]> {
    const groups = new Map<string, string[]>();
    for (const t of this.types) {
      const versions = groups.get(t.group) ?? [];
      if (!versions.includes(t.version)) versions.push(t.version);
      groups.set(t.group, versions);
    }
    return groups;
  }
}
