/**
 * metrics.k8s.io/v1beta1 as metrics-server serves it through the aggregator: PodMetrics and
 * NodeMetrics for the pods and nodes that exist, from the scenario's usage figures. A scenario
 * without any metrics is a cluster without metrics-server: the group is not there at all (404).
 */
import type { Scenario } from '../scenario/types.js';
import { rfc3339Nano } from './logs.js';
import type { Registry } from './registry.js';
import type { ResourceRoute } from './routes.js';
import { matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors.js';
import { badRequest, failure, pathNotFound, type Status } from './status.js';
import type { Obj, Store } from './store.js';

export const METRICS_GROUP = 'metrics.k8s.io';
export const METRICS_VERSION = 'v1beta1';
const API_VERSION = `${METRICS_GROUP}/${METRICS_VERSION}`;
/** metrics-server's resolution: usage is averaged over this window. */
const WINDOW = '30s';

export function hasMetrics(scenario: Scenario): boolean {
  return Object.keys(scenario.metrics.pods).length > 0 || Object.keys(scenario.metrics.nodes).length > 0;
}

export interface MetricsContext {
  scenario: Scenario;
  store: Store;
  registry: Registry;
  now: number;
}

function meta(object: Obj | undefined, name: string, namespace?: string): Obj['metadata'] {
  const m: Obj['metadata'] = { name };
  if (namespace !== undefined) m.namespace = namespace;
  m.creationTimestamp = null;
  const labels = object?.metadata.labels;
  if (labels !== undefined) m.labels = labels;
  return m;
}

/** The answer for a metrics.k8s.io resource path: a list, one object, or a Status. */
export function serveMetrics(route: ResourceRoute, query: URLSearchParams, ctx: MetricsContext): unknown {
  const { scenario, store, registry } = ctx;
  if (!hasMetrics(scenario) || route.version !== METRICS_VERSION || route.subresource !== '')
    return pathNotFound();
  const isPods = route.plural === 'pods';
  if (!isPods && route.plural !== 'nodes') return pathNotFound();
  if (!isPods && route.namespaced) return pathNotFound();
  if (isPods && !route.namespaced && route.name !== '') return pathNotFound();

  const timestamp = rfc3339Nano(ctx.now);
  const items: Obj[] = [];
  if (isPods) {
    const podType = registry.byPath('', 'v1', 'pods');
    for (const [key, containers] of Object.entries(scenario.metrics.pods)) {
      const [namespace = '', name = ''] = key.split('/');
      if (route.namespace !== '' && namespace !== route.namespace) continue;
      const pod = podType === undefined ? undefined : store.get(podType, namespace, name);
      if (pod === undefined) continue; // metrics-server reports only pods that exist
      const usage = Object.entries(containers).map(([container, u]) => ({ name: container, usage: u }));
      items.push({
        metadata: meta(pod, name, namespace),
        timestamp,
        window: WINDOW,
        containers: usage,
      });
    }
  } else {
    const nodeType = registry.byPath('', 'v1', 'nodes');
    for (const [name, usage] of Object.entries(scenario.metrics.nodes)) {
      const node = nodeType === undefined ? undefined : store.get(nodeType, '', name);
      if (node === undefined) continue;
      items.push({ metadata: meta(node, name), timestamp, window: WINDOW, usage });
    }
  }
  items.sort((a, b) => {
    const ka = `${a.metadata.namespace ?? ''}/${a.metadata.name}`;
    const kb = `${b.metadata.namespace ?? ''}/${b.metadata.name}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });

  const kind = isPods ? 'PodMetrics' : 'NodeMetrics';
  if (route.name !== '') {
    const found = items.find((i) => i.metadata.name === route.name);
    if (found === undefined) {
      const id = isPods ? `${route.namespace}/${route.name}` : route.name;
      return failure(404, `${kind.toLowerCase()}.${METRICS_GROUP} "${id}" not found`, {
        name: id,
        group: METRICS_GROUP,
        kind: isPods ? 'pods' : 'nodes',
      });
    }
    return { kind, apiVersion: API_VERSION, ...found };
  }
  const filtered = select(items, query);
  if (!Array.isArray(filtered)) return filtered;
  return { kind: `${kind}List`, apiVersion: API_VERSION, metadata: {}, items: filtered };
}

function select(items: Obj[], query: URLSearchParams): Obj[] | Status {
  const labels = parseLabelSelector(query.get('labelSelector') ?? '');
  if (!labels.ok) return badRequest(labels.error);
  const fields = parseFieldSelector(query.get('fieldSelector') ?? '');
  if (!fields.ok) return badRequest(fields.error);
  const unsupported = fields.value.find(
    (f) => f.field !== 'metadata.name' && f.field !== 'metadata.namespace',
  );
  if (unsupported !== undefined) return badRequest(`field label not supported: ${unsupported.field}`);
  return items.filter((item) => {
    if (!matchesLabels(labels.value, (item.metadata.labels as Record<string, string> | undefined) ?? {}))
      return false;
    return fields.value.every((f) => {
      const actual = String(item.metadata[f.field.slice('metadata.'.length)] ?? '');
      return (actual === f.value) !== f.negate;
    });
  });
}
