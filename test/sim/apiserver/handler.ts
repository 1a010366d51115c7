/**
 * One request, routed: discovery, /version, metrics.k8s.io, or a resource verb, after the
 * scenario's faults have had their say. Returns what to send; index.ts does the sending.
 */
import type { SimKubelet } from '../kubelet.js';
import type { Scenario } from '../scenario/types.js';
import { apiGroupDocument, apiGroupList, apiResourceList, apiVersions } from './discovery.js';
import { type Faults, type RequestAttributes, SIM_USER } from './faults.js';
import { podLog } from './logs.js';
import { hasMetrics, METRICS_GROUP, serveMetrics } from './metrics.js';
import type { RbacPolicy } from './rbac.js';
import type { Registry } from './registry.js';
import { create, get, list, methodNotAllowed, remove } from './resources.js';
import { parseRoute, type ResourceRoute } from './routes.js';
import { badRequest, forbidden, pathNotFound, type Status } from './status.js';
import type { Obj, Store } from './store.js';

export interface Reply {
  code: number;
  body: unknown;
  /** text/plain bodies (logs, health) are strings; everything else is JSON. */
  text?: boolean;
}

export interface HandlerContext {
  scenario: Scenario;
  /** Pod logs by `<ns>/<pod>/<container>`: the scenario's plus what probe pods print. */
  logs: Record<string, string>;
  kubelet: SimKubelet;
  /** When set, every request these permissions do not allow gets RBAC's 403. */
  rbac?: RbacPolicy;
  registry: Registry;
  store: Store;
  faults: Faults;
  host: string;
  /** The simulated clock (ms): sinceSeconds and metrics timestamps count from it. */
  now: number;
  sleep(ms: number): Promise<void>;
}

export interface Incoming {
  method: string;
  pathname: string;
  query: URLSearchParams;
  body: unknown;
}

const json = (body: unknown): Reply => ({ code: 200, body });
const status = (s: Status): Reply => ({ code: s.code, body: s });
/** Documents and Statuses are told apart by their `kind`. */
const reply = (doc: unknown): Reply => {
  const s = doc as Partial<Status>;
  return s.kind === 'Status' && typeof s.code === 'number' ? { code: s.code, body: s } : json(doc);
};

function versionDocument(version: string) {
  const gitVersion = version.startsWith('v') ? version : `v${version}`;
  const [, major = '1', minor = '0', rest = ''] = /^v(\d+)\.(\d+)(.*)$/.exec(gitVersion) ?? [];
  return {
    major,
    // Managed distributions (EKS, GKE) mark their builds with a `+` after the minor.
    minor: rest.includes('-') ? `${minor}+` : minor,
    gitVersion,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2024-01-01T00:00:00Z',
    goVersion: 'go1.22.0',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

function verbOf(method: string, route: ResourceRoute, query: URLSearchParams): string {
  const named = route.name !== '';
  if (method === 'GET') return named ? 'get' : query.get('watch') === 'true' ? 'watch' : 'list';
  if (method === 'POST') return 'create';
  if (method === 'DELETE') return named ? 'delete' : 'deletecollection';
  if (method === 'PUT') return 'update';
  if (method === 'PATCH') return 'patch';
  return method.toLowerCase();
}

export async function handle(req: Incoming, ctx: HandlerContext): Promise<Reply> {
  const route = parseRoute(req.pathname);
  if (route === undefined) return status(pathNotFound());
  const metrics = hasMetrics(ctx.scenario);
  if (route.kind !== 'resource' && req.method !== 'GET') return status(pathNotFound());
  switch (route.kind) {
    case 'version':
      return json(versionDocument(ctx.scenario.cluster.version));
    case 'health':
      return { code: 200, body: 'ok', text: true };
    case 'api':
      return json(apiVersions(ctx.host));
    case 'apis':
      return json(apiGroupList(ctx.registry, metrics));
    case 'group':
      return reply(apiGroupDocument(ctx.registry, metrics, route.group));
    case 'resources':
      return reply(apiResourceList(ctx.registry, metrics, route.group, route.version));
    case 'resource':
      return resource(req, route, ctx);
  }
}

async function resource(req: Incoming, route: ResourceRoute, ctx: HandlerContext): Promise<Reply> {
  const isMetrics = route.group === METRICS_GROUP;
  const type = isMetrics ? undefined : ctx.registry.byPath(route.group, route.version, route.plural);
  if (!isMetrics && type === undefined) return status(pathNotFound());
  if (type !== undefined) {
    // A named namespaced object needs its namespace in the path; a cluster-scoped one must not have one.
    if (type.namespaced && !route.namespaced && route.name !== '') return status(pathNotFound());
    if (!type.namespaced && route.namespaced) return status(pathNotFound());
  }
  const isLog = route.subresource === 'log' && type?.kind === 'Pod' && type.group === '';
  if (route.subresource !== '' && route.subresource !== 'status' && !isLog) return status(pathNotFound());
  if (route.subresource !== '' && route.name === '') return status(pathNotFound());

  const verb = verbOf(req.method, route, req.query);
  const attributes: RequestAttributes = {
    verb,
    group: route.group,
    plural: route.plural,
    subresource: route.subresource,
    namespace: route.namespace,
    name: route.name,
    clusterWide: (type?.namespaced ?? route.plural === 'pods') && !route.namespaced,
  };
  if (ctx.rbac && !ctx.rbac.allows(attributes)) return status(forbidden({ user: SIM_USER, ...attributes }));
  const fault = ctx.faults.match(attributes);
  if (fault !== undefined) {
    await ctx.sleep(fault.delayMs);
    if (fault.status !== undefined) return status(fault.status);
  }

  if (isMetrics || type === undefined) {
    return req.method === 'GET' ? reply(serveMetrics(route, req.query, ctx)) : methodNotAllowed();
  }
  if (verb === 'watch') return status(badRequest('watch is not supported by the dnsmedic simulator'));
  if (route.subresource !== '') {
    if (req.method !== 'GET') return methodNotAllowed();
    const pod = ctx.store.get(type, route.namespace, route.name);
    if (pod === undefined) return get(ctx.store, type, route);
    if (!isLog) return json(pod);
    const text = podLog(pod, ctx.logs, req.query, ctx.now);
    return typeof text === 'string' ? { code: 200, body: text, text: true } : status(text);
  }
  switch (verb) {
    case 'list':
      return list(ctx.store, type, route, req.query);
    case 'get':
      return get(ctx.store, type, route);
    case 'create': {
      if (route.name !== '') return methodNotAllowed();
      const namespaces = ctx.registry.byPath('', 'v1', 'namespaces');
      const exists = (ns: string) =>
        namespaces === undefined ||
        ctx.store.list(namespaces, '').length === 0 ||
        ctx.store.get(namespaces, '', ns) !== undefined;
      const isPod = type.kind === 'Pod' && type.group === '';
      const refused = isPod && isObj(req.body) ? ctx.kubelet.admit(req.body) : undefined;
      if (refused) return status(refused);
      const created = create(ctx.store, type, route, req.body, req.query, exists, ctx.now);
      if (isPod && created.code === 201 && req.query.get('dryRun') !== 'All') {
        ctx.kubelet.started(created.body as Obj);
      }
      return created;
    }
    case 'delete': {
      const removed = remove(ctx.store, type, route, req.query, ctx.now);
      if (type.kind === 'Pod' && removed.code === 200) ctx.kubelet.deleted(route.namespace, route.name);
      return removed;
    }
    default:
      return methodNotAllowed();
  }
}

function isObj(body: unknown): body is Obj {
  return (
    body !== null &&
    typeof body === 'object' &&
    typeof (body as { metadata?: unknown }).metadata === 'object' &&
    (body as { metadata?: unknown }).metadata !== null
  );
}
