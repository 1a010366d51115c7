/**
 * nodelocal.not-injected: NodeLocal DNSCache is deployed, but the pod's resolv.conf lists only the
 * cluster DNS IP and node-cache does not listen on that IP (IPVS mode, or link-local only as on
 * ACK): every query bypasses the cache and goes to CoreDNS. In iptables mode node-cache binds the
 * cluster DNS IP and the pod uses it already: not a fault. Guide: "NodeLocal DNSCache is not working".
 */
import type { Check } from '../model/check.js';
import type { Evidence } from '../model/evidence.js';
import type { Finding, Remedy } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import { clientNodeName, workloadOf } from './support/names.js';
import { clusterDnsIps, NODELOCAL_IP, nodeLocalBindsClusterIp, nodeLocalIps } from './support/nodelocal.js';
import { shq } from './support/shell.js';
import { quote } from './support/text.js';
import { finding } from './support.js';
import { clientRef, patchPodSpec, resolvLines, resolvSource } from './support-pod.js';

function run(e: Evidence): Finding[] {
  const nl = seenValue(e.nodeLocal);
  const observed = seenValue(e.podResolvConf);
  const dns = seenValue(e.clusterDns);
  if (!nl?.deployed || !observed || !dns) return [];
  const servers = observed.parsed.nameservers;
  const localIp = nodeLocalIps(e)[0] ?? NODELOCAL_IP;
  if (servers.some((ip) => nodeLocalIps(e).includes(ip))) return [];
  if (!servers.some((ip) => clusterDnsIps(e).includes(ip))) return []; // not a cluster-DNS pod: other rows
  const bind = nodeLocalBindsClusterIp(e);
  if (bind?.binds !== false) return []; // binds the cluster IP (or unknown): the pod may use the cache already

  const pod = seenValue(e.clientPod);
  const ref = clientRef(e);
  const evidence = [
    quote(resolvSource(observed, ref), resolvLines(observed, 'nameserver')),
    quote('NodeLocal DNSCache', `listens on ${localIp}, not on ${dns.ip} (${bind.why})`),
  ];
  const remedies: Remedy[] = [];
  if (pod) {
    const ns = pod.metadata.namespace ?? 'default';
    const w = workloadOf(pod);
    remedies.push({
      summary: `On ACK: enable DNSConfig injection for namespace ${ns} and restart the workload.`,
      commands: [
        `kubectl label namespace ${shq(ns)} node-local-dns-injection=enabled`,
        w
          ? `kubectl -n ${shq(ns)} rollout restart ${w.kind}/${shq(w.name)}`
          : `kubectl -n ${shq(ns)} delete pod ${shq(pod.metadata.name)}`,
      ],
    });
    const d = dns.clusterDomain.replace(/\.$/, '');
    const ndots = observed.parsed.options['ndots'];
    // musl queries every nameserver at once: give it NodeLocal alone (see nodelocal.alpine-parallel).
    const musl = seenValue(e.clientLibc)?.libc === 'musl';
    const dnsConfig = {
      nameservers: musl ? [localIp] : [localIp, dns.ip],
      searches: [`${ns}.svc.${d}`, `svc.${d}`, d],
      options: [{ name: 'ndots', value: String(typeof ndots === 'number' ? ndots : 5) }],
    };
    remedies.push({
      summary: `Or point this workload at NodeLocal ${localIp} explicitly (dnsPolicy None).`,
      commands: [patchPodSpec(pod, { dnsPolicy: 'None', dnsConfig })],
    });
  }
  const node = clientNodeName(e);
  if (node) {
    remedies.push({
      summary: `Or set the kubelet clusterDNS to ${localIp} on every node (the IPVS-mode install); current value on ${node}:`,
      commands: [
        `kubectl get --raw /api/v1/nodes/${shq(node)}/proxy/configz | grep -o '"clusterDNS":[^]]*]'`,
      ],
    });
  }
  return [
    finding('nodelocal.not-injected', {
      severity: 'warning',
      title: `Pod ${ref} bypasses NodeLocal DNSCache: it queries ${dns.ip}, the cache listens on ${localIp}`,
      detail:
        `NodeLocal DNSCache is deployed but the resolv.conf of ${ref} lists only the cluster DNS ${dns.ip}, and node-cache does not listen there (${bind.why}). ` +
        'Every query goes straight to CoreDNS, without the cache and its conntrack relief; DNSConfig injection (or the kubelet clusterDNS) is not set up.',
      evidence,
      remedies,
      weight: 0.5,
    }),
  ];
}

export const check: Check = { id: 'nodelocal.not-injected', needs: ['nodeLocal', 'podResolvConf'], run };
