/**
 * kube-proxy on the diagnosed node: whether the cluster runs it (a DaemonSet, or GKE's static
 * pods), or why not (k3s embeds it, Cilium replaces it); its mode from its configuration; and its
 * pod on the node.
 */
import { parse as parseYaml } from 'yaml';
import type { KubeProxyFacts } from '../../playbooks/model/evidence.js';
import type { Gathered } from '../../playbooks/model/gathered.js';
import type { DaemonSet, Node, ObjectMeta, Pod } from '../../playbooks/model/k8s.js';
import type { TemplateSpec } from '../k8s/types.js';
import { readNode, targetNodeName } from './client.js';
import type { GatherContext } from './context.js';
import { corednsNodes } from './coredns.js';
import { configMapVolume } from './corefile.js';
import { DNS_NAMESPACE } from './dns-service.js';
import { attempt, hasLabels, isNotFound, need } from './support.js';
import { argsOf, flagValue, kubeSystemDaemonSets, kubeSystemPodsOnNode, templateOf } from './system.js';

type Mode = NonNullable<KubeProxyFacts['mode']>;

const isKubeProxy = (meta: ObjectMeta) =>
  meta.name === 'kube-proxy' ||
  meta.name.startsWith('kube-proxy-') ||
  hasLabels(meta, { 'k8s-app': 'kube-proxy' }) ||
  hasLabels(meta, { component: 'kube-proxy' });

const isCilium = (ds: DaemonSet) =>
  ds.metadata.name === 'cilium' || hasLabels(ds.metadata, { 'k8s-app': 'cilium' });

export function isK3sNode(node: Node): boolean {
  const labels = Object.keys(node.metadata.labels ?? {});
  return (
    (node.status?.nodeInfo?.kubeletVersion ?? '').includes('+k3s') ||
    labels.some((l) => l.startsWith('k3s.io/')) ||
    node.metadata.labels?.['node.kubernetes.io/instance-type'] === 'k3s'
  );
}

/** A proxy mode as written (`--proxy-mode` or `mode:`); empty means the Linux default, iptables. */
export function normaliseMode(mode: string | undefined): Mode {
  const m = (mode ?? '').trim().toLowerCase();
  if (m === '') return 'iptables';
  return m === 'iptables' || m === 'ipvs' || m === 'nftables' ? m : 'unknown';
}

/** The `mode` of a KubeProxyConfiguration (config.conf), tolerant of bad YAML. */
export function modeFromConfig(text: string): Mode {
  try {
    const doc = parseYaml(text) as { mode?: unknown } | null;
    return normaliseMode(typeof doc?.mode === 'string' ? doc.mode : undefined);
  } catch {
    return 'unknown';
  }
}

async function modeOf(ctx: GatherContext, spec: TemplateSpec | undefined): Promise<Mode | undefined> {
  const flag = flagValue(argsOf(spec), 'proxy-mode');
  if (flag !== undefined) return normaliseMode(flag);
  // The config file comes from a ConfigMap volume: `kube-proxy` (kubeadm), `kube-proxy-config` (EKS).
  const ref = configMapVolume(spec, 'config.conf') ?? { name: 'kube-proxy', key: 'config.conf' };
  try {
    const cm = await ctx.reader.getConfigMap(DNS_NAMESPACE, ref.name);
    const text = cm.data?.[ref.key] ?? cm.data?.['config.conf'] ?? cm.data?.['config'];
    return text === undefined ? 'unknown' : modeFromConfig(text);
  } catch (err) {
    if (isNotFound(err)) return 'unknown';
    throw err;
  }
}

/** What stands in for kube-proxy when no DaemonSet runs it. */
async function replacement(ctx: GatherContext, node: string | undefined, daemonSets: DaemonSet[]) {
  if (daemonSets.some(isCilium)) return 'cilium' as const;
  const nodes: Node[] = [];
  if (node) {
    // Only a hint: an unreadable node leaves the replacement unnamed rather than the facts unseen.
    const n = await readNode(ctx, node).catch(() => undefined);
    if (n) nodes.push(n);
  } else {
    const dnsNodes = await corednsNodes(ctx);
    if (dnsNodes.ok) nodes.push(...dnsNodes.value);
  }
  return nodes.some(isK3sNode) ? ('k3s' as const) : ('other' as const);
}

export function kubeProxy(ctx: GatherContext): Promise<Gathered<KubeProxyFacts>> {
  return attempt(async () => {
    const daemonSets = need(await kubeSystemDaemonSets(ctx), 'the kube-system DaemonSets');
    const node = await targetNodeName(ctx);
    const podsOnNode: Pod[] = node
      ? need(await kubeSystemPodsOnNode(ctx, node), `the kube-system pods on ${node}`)
      : [];
    const daemonSet = daemonSets.find((ds) => isKubeProxy(ds.metadata));
    const podOnNode = podsOnNode.find((p) => isKubeProxy(p.metadata));
    // GKE runs kube-proxy as static pods: cluster-wide, without a node to look at, list them.
    const staticPods =
      !daemonSet && !node
        ? await ctx.reader.listPods(DNS_NAMESPACE, { labelSelector: 'component=kube-proxy' })
        : [];
    const facts: KubeProxyFacts = { runsKubeProxy: !!daemonSet || !!podOnNode || staticPods.length > 0 };
    if (!facts.runsKubeProxy) {
      facts.replacedBy = await replacement(ctx, node, daemonSets);
      return facts;
    }
    if (daemonSet) facts.daemonSet = daemonSet;
    if (podOnNode) facts.podOnNode = podOnNode;
    const spec = daemonSet
      ? templateOf(daemonSet)
      : ((podOnNode ?? staticPods[0])?.spec as TemplateSpec | undefined);
    const mode = await modeOf(ctx, spec);
    if (mode) facts.mode = mode;
    return facts;
  });
}
