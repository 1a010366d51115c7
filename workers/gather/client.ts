/**
 * The client side (guide Step 1): the pod, its node, namespace, owner (a StatefulSet and the
 * Service its serviceName names), the NetworkPolicies of its namespace, its events, and its libc
 * as far as the image name tells.
 */
import type { ClientLibc, ClientOwner } from '../../playbooks/model/evidence.js';
import type { Gathered } from '../../playbooks/model/gathered.js';
import type { KubeEvent, Namespace, NetworkPolicy, Node, Pod } from '../../playbooks/model/k8s.js';
import type { GatherContext } from './context.js';
import { inferLibc } from './libc.js';
import { attempt, cannotSee, isNotFound, need, ownerOf } from './support.js';

/** The client pod, rejecting as the API did: the caller turns a 404 into "pod not found". */
export function readClientPod(ctx: GatherContext): Promise<Pod> {
  const { namespace, pod } = ctx.target;
  return ctx.once('clientPod:raw', () => ctx.reader.getPod(namespace ?? 'default', pod ?? ''));
}

export function clientPod(ctx: GatherContext): Promise<Gathered<Pod>> {
  return ctx.once('clientPod', () => attempt(() => readClientPod(ctx)));
}

/** The node being diagnosed: `--node`, else the client pod's; undefined cluster-wide or unscheduled. */
export async function targetNodeName(ctx: GatherContext): Promise<string | undefined> {
  if (ctx.target.node) return ctx.target.node;
  if (!ctx.target.pod) return undefined;
  const pod = await clientPod(ctx);
  return pod.ok ? pod.value.spec.nodeName : undefined;
}

/** The node object, read once however many gatherers want it. */
export function readNode(ctx: GatherContext, name: string): Promise<Node> {
  return ctx.reader.getNode(name);
}

export function clientNode(ctx: GatherContext): Promise<Gathered<Node>> {
  return attempt(async () => {
    if (ctx.target.node) return readNode(ctx, ctx.target.node);
    const pod = need(await clientPod(ctx), 'the client pod');
    if (!pod.spec.nodeName) cannotSee('the client pod is not scheduled on a node');
    return readNode(ctx, pod.spec.nodeName);
  });
}

export function clientNamespace(ctx: GatherContext): Promise<Gathered<Namespace>> {
  return attempt(() => ctx.reader.getNamespace(ctx.target.namespace ?? 'default'));
}

export function networkPolicies(ctx: GatherContext): Promise<Gathered<NetworkPolicy[]>> {
  return attempt(() => ctx.reader.listNetworkPolicies(ctx.target.namespace ?? 'default'));
}

export function clientEvents(ctx: GatherContext): Promise<Gathered<KubeEvent[]>> {
  const { namespace = 'default', pod = '' } = ctx.target;
  return attempt(() =>
    ctx.reader.listEvents(namespace, { fieldSelector: `involvedObject.kind=Pod,involvedObject.name=${pod}` }),
  );
}

/** A StatefulSet owner and its governing Service; `{}` for pods of other controllers. */
export function clientOwner(ctx: GatherContext): Promise<Gathered<ClientOwner>> {
  return attempt(async () => {
    const pod = need(await clientPod(ctx), 'the client pod');
    const namespace = pod.metadata.namespace ?? ctx.target.namespace ?? 'default';
    const name = ownerOf(pod.metadata, 'StatefulSet');
    if (!name) return {};
    const statefulSet = await ctx.reader.getStatefulSet(namespace, name);
    const serviceName = statefulSet.spec.serviceName;
    if (!serviceName) return { statefulSet };
    try {
      return { statefulSet, governingService: await ctx.reader.getService(namespace, serviceName) };
    } catch (err) {
      // No such Service is the finding (statefulset.service-name-mismatch), not a failure to see.
      if (isNotFound(err)) return { statefulSet };
      throw err;
    }
  });
}

/** Inferred from the first container's image; a probe reading the container replaces it later. */
export function clientLibc(ctx: GatherContext): Promise<Gathered<ClientLibc>> {
  return attempt(async () => {
    const pod = need(await clientPod(ctx), 'the client pod');
    return inferLibc(pod.spec.containers[0]?.image);
  });
}
