/**
 * The cluster DNS Service and the pods behind it. The Service is the one whose clusterIP is the
 * nameserver pods get, when that IP is known; otherwise the one selecting the cluster DNS pods
 * (`k8s-app=kube-dns`, or named kube-dns / coredns / rke2-coredns*): never assumed by name alone.
 * Its pods come from its own selector, and tell CoreDNS from GKE's kube-dns.
 */
import type { Gathered } from '../../playbooks/model/gathered.js';
import type { Deployment, Pod, Service } from '../../playbooks/model/k8s.js';
import type { GatherContext } from './context.js';
import { attempt, cannotSee, isNotFound, need, selectorString } from './support.js';

/** Where the cluster DNS runs on every distribution this tool knows. */
export const DNS_NAMESPACE = 'kube-system';

export function kubeSystemServices(ctx: GatherContext): Promise<Gathered<Service[]>> {
  return ctx.once('services:kube-system', () => attempt(() => ctx.reader.listServices(DNS_NAMESPACE)));
}

function serviceIps(s: Service): string[] {
  return [s.spec.clusterIP, ...(s.spec.clusterIPs ?? [])].filter((ip): ip is string => !!ip && ip !== 'None');
}

/** How likely a Service is the cluster DNS front door: lower is better, undefined is not at all. */
function rank(s: Service): number | undefined {
  if (serviceIps(s).length === 0) return undefined;
  const name = s.metadata.name;
  if (name === 'kube-dns') return 0;
  if (name === 'coredns') return 1;
  if (name.startsWith('rke2-coredns')) return 2;
  // NodeLocal's `kube-dns-upstream` carries the same label but is not what pods are given.
  if (s.metadata.labels?.['k8s-app'] === 'kube-dns' && !name.endsWith('-upstream')) return 3;
  return undefined;
}

/** The cluster DNS Service among `services`: by the nameserver IP when known, else by labels and names. */
export function pickDnsService(services: readonly Service[], nameserverIp?: string): Service | undefined {
  if (nameserverIp) {
    const byIp = services.find((s) => serviceIps(s).includes(nameserverIp));
    if (byIp) return byIp;
  }
  let best: { s: Service; r: number } | undefined;
  for (const s of services) {
    const r = rank(s);
    if (r !== undefined && (!best || r < best.r)) best = { s, r };
  }
  return best?.s;
}

export function dnsService(ctx: GatherContext): Promise<Gathered<Service>> {
  return ctx.once('dnsService', () =>
    attempt(async () => {
      const services = need(await kubeSystemServices(ctx), 'the kube-system Services');
      const service = pickDnsService(services, ctx.nameserverIp);
      if (!service)
        cannotSee(
          `no cluster DNS Service in ${DNS_NAMESPACE}: none matches ${ctx.nameserverIp ?? 'the nameserver IP'}, is labelled k8s-app=kube-dns or is named kube-dns/coredns`,
        );
      return service;
    }),
  );
}

/** The first of `names` that exists as a Deployment in `namespace`; 404s are passed over. */
export async function firstDeployment(
  ctx: GatherContext,
  namespace: string,
  names: string[],
): Promise<Deployment> {
  for (const name of [...new Set(names)]) {
    try {
      return await ctx.reader.getDeployment(namespace, name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  return cannotSee(`no Deployment ${names.join(' or ')} in ${namespace}`);
}

/** The CoreDNS Deployment by the names every distribution uses, or undefined when it cannot be read. */
export function namedDnsDeployment(ctx: GatherContext, service: Service): Promise<Gathered<Deployment>> {
  const namespace = service.metadata.namespace ?? DNS_NAMESPACE;
  return ctx.once('dnsDeployment:named', () =>
    attempt(() => firstDeployment(ctx, namespace, ['coredns', service.metadata.name])),
  );
}

/**
 * The pods the cluster DNS Service selects. A selector matching nothing (a kustomize label added
 * to it) hides running pods: then the Deployment's own selector finds them, so checks can tell
 * "the Service misses its pods" from "there are no pods".
 */
export function dnsPods(ctx: GatherContext): Promise<Gathered<Pod[]>> {
  return ctx.once('dnsPods', () =>
    attempt(async () => {
      const service = need(await dnsService(ctx), 'the cluster DNS Service');
      const selector = service.spec.selector ?? {};
      if (Object.keys(selector).length === 0)
        cannotSee(`Service ${DNS_NAMESPACE}/${service.metadata.name} has no selector`);
      const namespace = service.metadata.namespace ?? DNS_NAMESPACE;
      const pods = await ctx.reader.listPods(namespace, { labelSelector: selectorString(selector) });
      if (pods.length > 0) return pods;
      const deployment = await namedDnsDeployment(ctx, service);
      const labels = deployment.ok ? deployment.value.spec?.selector?.matchLabels : undefined;
      if (!labels || Object.keys(labels).length === 0 || selectorString(labels) === selectorString(selector))
        return pods;
      return ctx.reader.listPods(namespace, { labelSelector: selectorString(labels) });
    }),
  );
}

/** GKE's kube-dns runs `kubedns` and `dnsmasq` containers; anything else serving the Service is CoreDNS. */
export function detectProvider(pods: readonly Pick<Pod, 'spec'>[]): 'coredns' | 'kube-dns' {
  const names = pods.flatMap((p) => p.spec.containers.map((c) => c.name));
  return names.some((n) => n === 'kubedns' || n === 'dnsmasq') ? 'kube-dns' : 'coredns';
}

/** The DNS container of a cluster DNS pod: `coredns` (or `kubedns`), else the first. */
export function dnsContainer(pod: Pick<Pod, 'spec'>): string | undefined {
  const names = pod.spec.containers.map((c) => c.name);
  return names.find((n) => n === 'coredns' || n === 'kubedns') ?? names[0];
}
