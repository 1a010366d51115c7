/**
 * The name the user says fails (`--domain`): for a cluster name, what backs it (the Service, its
 * EndpointSlices, a StatefulSet whose serviceName is that Service or that numbered the pod name);
 * anything else is external. `<svc>.<ns>` is a search-list short name when namespace `<ns>` exists.
 * A missing Service is evidence (service.not-found), not a failure to see.
 */
import type { AskedName } from '../../playbooks/model/evidence.js';
import type { Gathered } from '../../playbooks/model/gathered.js';
import type { Service } from '../../playbooks/model/k8s.js';
import { ClusterApiError } from '../k8s/errors.js';
import { clusterDns } from './cluster-dns.js';
import type { GatherContext } from './context.js';
import { attempt, isNotFound } from './support.js';

export interface ParsedName {
  kind: 'cluster' | 'external';
  service?: string;
  namespace?: string;
  /** `db-0` of `db-0.db.data.svc.cluster.local`. */
  host?: string;
  /**
   * `<a>.<b>` outside the cluster domain: the search list makes it `<a>.<b>.svc.<domain>` when a
   * namespace `<b>` exists, so it is a cluster name only once that namespace is seen.
   */
  ifNamespace?: boolean;
}

/** The labels before `.svc`: `svc.ns` or `host.svc.ns`. */
function serviceParts(labels: string[]): ParsedName {
  if (labels.length === 2) return { kind: 'cluster', service: labels[0] ?? '', namespace: labels[1] ?? '' };
  if (labels.length === 3)
    return { kind: 'cluster', host: labels[0] ?? '', service: labels[1] ?? '', namespace: labels[2] ?? '' };
  return { kind: 'cluster' };
}

/**
 * Where a name points: `<svc>.<ns>.svc[.<domain>]`, `<host>.<svc>.<ns>.svc[.<domain>]`, a bare
 * label (a Service in the client's namespace, through the search list), other names under the
 * cluster domain (pod records), or external.
 */
export function parseAskedName(name: string, clusterDomain?: string, clientNamespace?: string): ParsedName {
  const n = name.trim().toLowerCase().replace(/\.$/, '');
  const domain = clusterDomain?.toLowerCase().replace(/^\.|\.$/g, '');
  let local: string | undefined;
  if (domain && (n === domain || n.endsWith(`.${domain}`)))
    local = n.slice(0, Math.max(0, n.length - domain.length - 1));
  else if (n.endsWith('.svc')) local = n;
  else if (!domain && n.includes('.svc.')) local = n.slice(0, n.indexOf('.svc.') + 4);
  if (local !== undefined) {
    const labels = local.split('.');
    return labels.at(-1) === 'svc' ? serviceParts(labels.slice(0, -1)) : { kind: 'cluster' };
  }
  if (!n.includes('.') && n !== '' && clientNamespace)
    return { kind: 'cluster', service: n, namespace: clientNamespace };
  const labels = n.split('.');
  if (labels.length === 2 && labels.every((l) => /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(l)))
    return { kind: 'external', service: labels[0] ?? '', namespace: labels[1] ?? '', ifNamespace: true };
  return { kind: 'external' };
}

/** Whether namespace `name` exists; 404 and 403 say no (the name is then taken as external). */
async function namespaceExists(ctx: GatherContext, name: string): Promise<boolean> {
  try {
    await ctx.reader.getNamespace(name);
    return true;
  } catch (err) {
    if (isNotFound(err) || (err instanceof ClusterApiError && err.kind === 'forbidden')) return false;
    throw err;
  }
}

/** `mysql` of `mysql-0`: the StatefulSet a pod hostname was numbered by. */
function statefulSetOfHost(host: string | undefined): string | undefined {
  return host ? /^(.+)-\d+$/.exec(host)?.[1] : undefined;
}

async function serviceOrNone(
  ctx: GatherContext,
  namespace: string,
  name: string,
): Promise<Service | undefined> {
  try {
    return await ctx.reader.getService(namespace, name);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export function askedName(ctx: GatherContext): Promise<Gathered<AskedName>> {
  return attempt(async () => {
    const name = ctx.target.domain ?? '';
    const dns = await clusterDns(ctx);
    // Without the cluster domain, names ending in `.svc` (or holding `.svc.`) are still recognised.
    const parsed = parseAskedName(name, dns.ok ? dns.value.clusterDomain : undefined, ctx.target.namespace);
    const asked: AskedName = { name, kind: parsed.kind };
    if (parsed.host) asked.podHostname = parsed.host;
    const { service: svc, namespace } = parsed;
    if (!svc || !namespace) return asked;
    if (parsed.ifNamespace) {
      if (!(await namespaceExists(ctx, namespace))) return asked;
      asked.kind = 'cluster';
    }
    const [service, endpointSlices, statefulSets] = await Promise.all([
      serviceOrNone(ctx, namespace, svc),
      ctx.reader.listEndpointSlices(namespace, { labelSelector: `kubernetes.io/service-name=${svc}` }),
      ctx.reader.listStatefulSets(namespace),
    ]);
    if (service) asked.service = service;
    asked.endpointSlices = endpointSlices;
    // serviceName not matching (set to another Service, or unset): the pod name prefix still tells.
    const byPrefix = statefulSetOfHost(parsed.host);
    const statefulSet =
      statefulSets.find((s) => s.spec.serviceName === svc) ??
      (byPrefix ? statefulSets.find((s) => s.metadata.name === byPrefix) : undefined);
    if (statefulSet) asked.statefulSet = statefulSet;
    return asked;
  });
}
