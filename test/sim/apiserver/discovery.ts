/**
 * Discovery documents (/api, /apis, /apis/{group}, the resource lists) built from the registry,
 * with metrics.k8s.io present only when the scenario has metrics. Verbs list what this server
 * really serves (get, list, create, delete), not everything a real one would.
 */
import { METRICS_GROUP, METRICS_VERSION } from './metrics.js';
import type { Registry, ResourceType } from './registry.js';
import { pathNotFound, type Status } from './status.js';

const VERBS = ['create', 'delete', 'get', 'list'];

function groupVersion(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

function groups(registry: Registry, metrics: boolean): Map<string, string[]> {
  const all = registry.groups();
  if (metrics) all.set(METRICS_GROUP, [METRICS_VERSION]);
  return all;
}

function apiGroup(name: string, versions: string[]) {
  const list = versions.map((v) => ({ groupVersion: groupVersion(name, v), version: v }));
  return { name, versions: list, preferredVersion: list[0] };
}

export function apiVersions(host: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: host }],
  };
}

export function apiGroupList(registry: Registry, metrics: boolean) {
  const list = [...groups(registry, metrics)].filter(([name]) => name !== '').map(([n, v]) => apiGroup(n, v));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: list };
}

export function apiGroupDocument(registry: Registry, metrics: boolean, group: string): object | Status {
  const versions = groups(registry, metrics).get(group);
  if (group === '' || versions === undefined) return pathNotFound();
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, versions) };
}

function entry(t: Pick<ResourceType, 'plural' | 'singular' | 'namespaced' | 'kind'>, verbs = VERBS) {
  return { name: t.plural, singularName: t.singular, namespaced: t.namespaced, kind: t.kind, verbs };
}

export function apiResourceList(
  registry: Registry,
  metrics: boolean,
  group: string,
  version: string,
): object | Status {
  const resources: object[] = [];
  if (metrics && group === METRICS_GROUP && version === METRICS_VERSION) {
    resources.push(
      entry({ plural: 'nodes', singular: '', namespaced: false, kind: 'NodeMetrics' }, ['get', 'list']),
      entry({ plural: 'pods', singular: '', namespaced: true, kind: 'PodMetrics' }, ['get', 'list']),
    );
  }
  for (const t of registry.types) {
    if (t.group !== group || t.version !== version) continue;
    resources.push(entry(t));
    if (t.kind === 'Pod' && t.group === '') {
      resources.push({ name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] });
    }
  }
  if (resources.length === 0) return pathNotFound();
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion(group, version), resources };
}
