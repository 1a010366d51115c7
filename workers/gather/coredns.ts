/**
 * CoreDNS itself (guide Step 2): its pods, their Deployment (through the pods' ownerReferences:
 * ReplicaSet, then Deployment), the Service's EndpointSlices, the version and the nodes it runs on.
 */
import type { Gathered } from '../../playbooks/model/gathered.js';
import type { Deployment, EndpointSlice, Node, Pod } from '../../playbooks/model/k8s.js';
import type { GatherContext } from './context.js';
import { corednsLogs } from './coredns-logs.js';
import {
  DNS_NAMESPACE,
  detectProvider,
  dnsContainer,
  dnsPods,
  dnsService,
  namedDnsDeployment,
} from './dns-service.js';
import { attempt, cannotSee, imageTag, need, nodesOf, ownerOf } from './support.js';

export function corednsPods(ctx: GatherContext): Promise<Gathered<Pod[]>> {
  return dnsPods(ctx);
}

export function corednsDeployment(ctx: GatherContext): Promise<Gathered<Deployment>> {
  return attempt(async () => {
    const service = need(await dnsService(ctx), 'the cluster DNS Service');
    const pods = need(await dnsPods(ctx), 'the cluster DNS pods');
    const namespace = service.metadata.namespace ?? DNS_NAMESPACE;
    const replicaSets = [...new Set(pods.map((p) => ownerOf(p.metadata, 'ReplicaSet')).filter((n) => !!n))];
    // No pods at all (scaled to zero, all evicted): the Deployment names every distribution uses.
    if (replicaSets.length === 0)
      return need(await namedDnsDeployment(ctx, service), 'the CoreDNS Deployment');
    const owners = await Promise.all(replicaSets.map((rs) => ctx.reader.getReplicaSet(namespace, rs ?? '')));
    const deployment = owners.map((rs) => ownerOf(rs.metadata, 'Deployment')).find((d) => !!d);
    if (!deployment) cannotSee(`ReplicaSet ${namespace}/${replicaSets[0]} has no Deployment owner`);
    return ctx.reader.getDeployment(namespace, deployment);
  });
}

export function corednsEndpoints(ctx: GatherContext): Promise<Gathered<EndpointSlice[]>> {
  return attempt(async () => {
    const service = need(await dnsService(ctx), 'the cluster DNS Service');
    return ctx.reader.listEndpointSlices(service.metadata.namespace ?? DNS_NAMESPACE, {
      labelSelector: `kubernetes.io/service-name=${service.metadata.name}`,
    });
  });
}

/** `1.11.3` from `registry.k8s.io/coredns/coredns:v1.11.3`, `...:1.11.1-eksbuild.4`, `...:v1.11.1-build2024`. */
export function versionFromImage(image: string | undefined): string | undefined {
  const tag = image ? imageTag(image) : undefined;
  return tag ? /^v?(\d+\.\d+\.\d+)/.exec(tag)?.[1] : undefined;
}

/** The pod template spec of the CoreDNS Deployment (the model leaves it out), when it can be read. */
async function deploymentPodSpecs(ctx: GatherContext): Promise<Pod['spec'][]> {
  const deployment = await corednsDeployment(ctx);
  const spec = deployment.ok
    ? (deployment.value.spec as { template?: { spec?: Pod['spec'] } } | undefined)?.template?.spec
    : undefined;
  return spec?.containers ? [spec] : [];
}

export function corednsVersion(ctx: GatherContext): Promise<Gathered<string>> {
  return attempt(async () => {
    const pods = need(await dnsPods(ctx), 'the cluster DNS pods');
    // No pods (scaled to zero, all evicted): the Deployment's pod template names the image.
    const specs = pods.length > 0 ? pods.map((p) => p.spec) : await deploymentPodSpecs(ctx);
    if (detectProvider(specs.map((spec) => ({ spec }))) === 'kube-dns')
      cannotSee('the cluster DNS is kube-dns, not CoreDNS');
    for (const spec of specs) {
      const name = dnsContainer({ spec });
      const version = versionFromImage(spec.containers.find((c) => c.name === name)?.image);
      if (version) return version;
    }
    // Images by digest or with custom tags: the banner CoreDNS logs at start.
    const logs = need(await corednsLogs(ctx), 'the CoreDNS logs (for the version banner)');
    const banner = logs.version ? /(\d+\.\d+\.\d+)/.exec(logs.version)?.[1] : undefined;
    if (!banner) cannotSee('neither the CoreDNS image tag nor its logs tell the version');
    return banner;
  });
}

export function corednsNodes(ctx: GatherContext): Promise<Gathered<Node[]>> {
  return attempt(async () => {
    const pods = need(await dnsPods(ctx), 'the cluster DNS pods');
    return Promise.all(nodesOf(pods).map((name) => ctx.reader.getNode(name)));
  });
}
