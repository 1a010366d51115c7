/**
 * NodeLocal DNSCache and the addresses that reach cluster DNS: the cluster DNS Service's IPs,
 * node-cache's link-local address, its DaemonSet, whether it binds the Service IP, and installing it.
 */
import type { ClusterDns, Evidence } from '../../model/evidence.js';
import type { Remedy } from '../../model/finding.js';
import { seenValue } from '../../model/gathered.js';
import { isIpv4 } from './ip.js';

/** The link-local address the upstream NodeLocal manifest and kubeadm docs use. */
export const NODELOCAL_IP = '169.254.20.10';

/** NodeLocal DNSCache's usual link-local addresses (kubeadm docs, kubespray), for when facts are unseen. */
export const CONVENTIONAL_NODELOCAL_IPS = [NODELOCAL_IP, '169.254.25.10'] as const;

/** Every address of the cluster DNS Service (the IP pods get, plus the Service's clusterIPs). */
export function clusterDnsIps(e: Evidence): string[] {
  const dns = seenValue(e.clusterDns);
  if (!dns) return [];
  const ips = [dns.ip, dns.service.spec.clusterIP, ...(dns.service.spec.clusterIPs ?? [])];
  return [...new Set(ips.filter((ip): ip is string => !!ip && ip !== 'None'))];
}

/** NodeLocal's listen address when known, else the conventional ones. */
export function nodeLocalIps(e: Evidence): string[] {
  const ip = seenValue(e.nodeLocal)?.localIp;
  return ip ? [ip] : [...CONVENTIONAL_NODELOCAL_IPS];
}

/** Every nameserver that reaches cluster DNS: the Service's addresses and NodeLocal's. */
export function clusterResolverIps(e: Evidence): string[] {
  return [...clusterDnsIps(e), ...nodeLocalIps(e)];
}

/** The NodeLocal DaemonSet's namespace and name (the upstream manifest's when unseen). */
export function nodeLocalDaemonSet(e: Evidence): { namespace: string; name: string } {
  const meta = seenValue(e.nodeLocal)?.daemonSet?.metadata;
  return { namespace: meta?.namespace ?? 'kube-system', name: meta?.name ?? 'node-local-dns' };
}

/**
 * Whether node-cache also listens on the cluster DNS IP (iptables mode), so pods reach it
 * unchanged: the gathered fact, else its Corefile's `bind`, else IPVS mode means no.
 */
export function nodeLocalBindsClusterIp(e: Evidence): { binds: boolean; why: string } | undefined {
  const nl = seenValue(e.nodeLocal);
  if (!nl) return undefined;
  if (nl.bindsClusterIp !== undefined)
    return { binds: nl.bindsClusterIp, why: 'node-cache listen addresses' };
  const clusterIps = clusterDnsIps(e);
  const binds = (nl.corefile?.servers ?? []).flatMap((s) => s.directives.filter((d) => d.name === 'bind'));
  if (binds.length > 0) {
    const withIp = binds.find((d) => d.args.some((a) => clusterIps.includes(a)));
    const shown = withIp ?? binds[0];
    return { binds: !!withIp, why: `node-cache Corefile line ${shown?.line}: bind ${shown?.args.join(' ')}` };
  }
  const mode = seenValue(e.kubeProxy)?.mode;
  return mode === 'ipvs' ? { binds: false, why: 'kube-proxy runs in IPVS mode' } : undefined;
}

const MANIFEST =
  'https://raw.githubusercontent.com/kubernetes/kubernetes/master/cluster/addons/dns/nodelocaldns/nodelocaldns.yaml';

/**
 * Commands installing the upstream NodeLocal manifest with this cluster's values filled in (IPVS
 * mode: node-cache listens on the link-local address only). Empty when the IP or domain is not plain.
 */
export function nodeLocalInstall(dns: Pick<ClusterDns, 'ip' | 'clusterDomain'>, ipvs: boolean): string[] {
  if (!isIpv4(dns.ip) || !/^[A-Za-z0-9.-]+$/.test(dns.clusterDomain)) return [];
  const domain = dns.clusterDomain.replace(/\.$/, '');
  const server = ipvs
    ? `s/,__PILLAR__DNS__SERVER__//g; s/__PILLAR__CLUSTER__DNS__/${dns.ip}/g`
    : `s/__PILLAR__DNS__SERVER__/${dns.ip}/g`;
  return [
    `curl -fsSLo nodelocaldns.yaml ${MANIFEST}`,
    `sed -i 's/__PILLAR__LOCAL__DNS__/${NODELOCAL_IP}/g; s/__PILLAR__DNS__DOMAIN__/${domain}/g; ${server}' nodelocaldns.yaml`,
    'kubectl create -f nodelocaldns.yaml',
  ];
}

/** Enable NodeLocal DNSCache (for kube-proxy's mode), or undefined when deployed already or not installable. */
export function nodeLocalRemedy(e: Evidence): Remedy | undefined {
  const dns = seenValue(e.clusterDns);
  if (seenValue(e.nodeLocal)?.deployed || !dns) return undefined;
  const ipvs = seenValue(e.kubeProxy)?.mode === 'ipvs';
  const commands = nodeLocalInstall(dns, ipvs);
  if (commands.length === 0) return undefined;
  return {
    summary: `Enable NodeLocal DNSCache so each node answers from its own cache${ipvs ? ` (IPVS mode: also point the kubelet clusterDNS at ${NODELOCAL_IP})` : ''}.`,
    commands,
  };
}
