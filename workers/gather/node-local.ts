/**
 * NodeLocal DNSCache: its DaemonSet, its pod on the diagnosed node, its Corefile, the link-local
 * address it listens on, and whether it also binds the cluster DNS IP (iptables mode: pods reach
 * it unchanged) or not (IPVS mode: pods must be pointed at the link-local address).
 */
import type { NodeLocalFacts } from '../../playbooks/model/evidence.js';
import type { Gathered } from '../../playbooks/model/gathered.js';
import type { DaemonSet, ObjectMeta, Pod } from '../../playbooks/model/k8s.js';
import { parseCorefile } from '../../playbooks/parsers/corefile.js';
import { bindAddresses } from '../../playbooks/parsers/corefile-queries.js';
import { targetNodeName } from './client.js';
import { clusterDns } from './cluster-dns.js';
import type { GatherContext } from './context.js';
import { configMapVolume } from './corefile.js';
import { DNS_NAMESPACE } from './dns-service.js';
import { attempt, hasLabels, isNotFound, need } from './support.js';
import { argsOf, flagValue, kubeSystemDaemonSets, kubeSystemPodsOnNode, templateOf } from './system.js';

const isNodeLocal = (meta: ObjectMeta) =>
  meta.name === 'node-local-dns' ||
  meta.name.startsWith('node-local-dns-') ||
  hasLabels(meta, { 'k8s-app': 'node-local-dns' });

const isLinkLocal = (ip: string) => ip.startsWith('169.254.');

/** node-cache's listen addresses: the Corefile's `bind` lines, else its `-localip` flag. */
export function listenAddresses(ds: DaemonSet, corefile: NodeLocalFacts['corefile']): string[] {
  const bound = corefile ? bindAddresses(corefile) : [];
  if (bound.length > 0) return bound;
  const flag = flagValue(argsOf(templateOf(ds)), 'localip');
  return (flag ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');
}

export function nodeLocal(ctx: GatherContext): Promise<Gathered<NodeLocalFacts>> {
  return attempt(async () => {
    const daemonSets = need(await kubeSystemDaemonSets(ctx), 'the kube-system DaemonSets');
    const daemonSet = daemonSets.find((ds) => isNodeLocal(ds.metadata));
    if (!daemonSet) return { deployed: false };
    const facts: NodeLocalFacts = { deployed: true, daemonSet };
    const namespace = daemonSet.metadata.namespace ?? DNS_NAMESPACE;

    const node = await targetNodeName(ctx);
    if (node) {
      const pods: Pod[] = need(await kubeSystemPodsOnNode(ctx, node), `the kube-system pods on ${node}`);
      const podOnNode = pods.find((p) => isNodeLocal(p.metadata));
      if (podOnNode) facts.podOnNode = podOnNode;
    }

    const ref = configMapVolume(templateOf(daemonSet), 'Corefile') ?? {
      name: 'node-local-dns',
      key: 'Corefile',
    };
    try {
      const text = (await ctx.reader.getConfigMap(namespace, ref.name)).data?.[ref.key];
      if (text !== undefined) facts.corefile = parseCorefile(text);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }

    const addresses = listenAddresses(daemonSet, facts.corefile);
    const localIp = addresses.find(isLinkLocal);
    if (localIp) facts.localIp = localIp;
    const dns = await clusterDns(ctx);
    if (dns.ok && addresses.length > 0) {
      const ips = [dns.value.ip, ...(dns.value.service.spec.clusterIPs ?? [])];
      facts.bindsClusterIp = addresses.some((a) => ips.includes(a));
    }
    return facts;
  });
}
