/**
 * CoreDNS CPU and memory from metrics.k8s.io against the pods' limits and requests (guide
 * Step 2: an overloaded or OOM-bound CoreDNS). A cluster without metrics-server answers 404 for
 * the whole API group: that is said plainly rather than as an error.
 */
import type { PodUsage } from '../../playbooks/model/evidence.js';
import type { Gathered } from '../../playbooks/model/gathered.js';
import type { Container, Pod } from '../../playbooks/model/k8s.js';
import { ClusterApiError } from '../k8s/errors.js';
import type { PodMetrics } from '../k8s/types.js';
import type { GatherContext } from './context.js';
import { DNS_NAMESPACE, dnsPods, dnsService } from './dns-service.js';
import { cpuMillis, memoryBytes } from './quantity.js';
import { attempt, cannotSee, need, selectorString } from './support.js';

/** The sum over containers, or undefined when any container leaves it unset (then the pod is unbounded). */
function total(
  containers: readonly Container[],
  read: (c: Container) => number | undefined,
): number | undefined {
  let sum = 0;
  for (const c of containers) {
    const v = read(c);
    if (v === undefined) return undefined;
    sum += v;
  }
  return containers.length > 0 ? sum : undefined;
}

export function podUsage(pods: readonly Pod[], metrics: readonly PodMetrics[]): PodUsage[] {
  const out: PodUsage[] = [];
  for (const pod of pods) {
    const m = metrics.find((x) => x.name === pod.metadata.name);
    // metrics-server has not scraped a pod that just started: no number rather than zero.
    if (!m) continue;
    const usage: PodUsage = {
      pod: pod.metadata.name,
      cpuMillis: m.containers.reduce((a, c) => a + (cpuMillis(c.cpu) ?? 0), 0),
      memoryBytes: m.containers.reduce((a, c) => a + (memoryBytes(c.memory) ?? 0), 0),
    };
    if (pod.spec.nodeName) usage.node = pod.spec.nodeName;
    const cs = pod.spec.containers;
    const cpuLimit = total(cs, (c) => cpuMillis(c.resources?.limits?.cpu));
    const memLimit = total(cs, (c) => memoryBytes(c.resources?.limits?.memory));
    const cpuRequest = total(cs, (c) => cpuMillis(c.resources?.requests?.cpu));
    if (cpuLimit !== undefined) usage.cpuLimitMillis = cpuLimit;
    if (memLimit !== undefined) usage.memoryLimitBytes = memLimit;
    if (cpuRequest !== undefined) usage.cpuRequestMillis = cpuRequest;
    out.push(usage);
  }
  return out;
}

export function corednsUsage(ctx: GatherContext): Promise<Gathered<PodUsage[]>> {
  return attempt(async () => {
    const service = need(await dnsService(ctx), 'the cluster DNS Service');
    const pods = need(await dnsPods(ctx), 'the cluster DNS pods');
    const namespace = service.metadata.namespace ?? DNS_NAMESPACE;
    let metrics: PodMetrics[];
    try {
      metrics = await ctx.reader.podMetrics(namespace, {
        labelSelector: selectorString(service.spec.selector ?? {}),
      });
    } catch (err) {
      if (err instanceof ClusterApiError && err.kind === 'not-found')
        cannotSee('metrics-server not installed (the API server does not serve metrics.k8s.io)');
      if (err instanceof ClusterApiError && err.status === 503)
        cannotSee(`metrics-server not answering: ${err.message}`);
      throw err;
    }
    return podUsage(pods, metrics);
  });
}
