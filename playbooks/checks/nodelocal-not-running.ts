/**
 * nodelocal.not-running: the pod's resolv.conf points at NodeLocal DNSCache (its link-local
 * address, or the cluster DNS IP it binds in iptables mode) but the node-local-dns pod on its node
 * is missing or not ready. Nothing answers on that address, so lookups time out. A pod Running and
 * Ready now is fine, whatever its old restarts. Guide: "NodeLocal DNSCache issues".
 */
import type { Check } from '../model/check.js';
import type { Evidence } from '../model/evidence.js';
import type { Excerpt, Finding, Remedy } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import { clientNodeName } from './support/names.js';
import { clusterDnsIps, nodeLocalDaemonSet, nodeLocalIps } from './support/nodelocal.js';
import { probeFailed } from './support/probes.js';
import { shq } from './support/shell.js';
import { quote } from './support/text.js';
import { finding, isPodReady, waitingReasons } from './support.js';
import { clientRef, describeProbe, probeSource, resolvLines, resolvSource } from './support-pod.js';

function run(e: Evidence): Finding[] {
  const nl = seenValue(e.nodeLocal);
  const observed = seenValue(e.podResolvConf);
  if (!nl || !observed) return [];
  const servers = observed.parsed.nameservers;
  const local = servers.filter((ip) => nodeLocalIps(e).includes(ip));
  const viaClusterIp =
    nl.deployed && nl.bindsClusterIp === true && servers.some((ip) => clusterDnsIps(e).includes(ip));
  if (local.length === 0 && !viaClusterIp) return [];
  const cache = nl.deployed ? nl.podOnNode : undefined;
  if (cache && isPodReady(cache)) return [];
  // In iptables mode a missing node-cache takes its rules with it: traffic reaches CoreDNS.
  if (!cache && local.length === 0) return [];

  const ds = nodeLocalDaemonSet(e);
  const ns = shq(ds.namespace);
  const nodeName = clientNodeName(e);
  const node = nodeName ?? 'its node';
  const ref = clientRef(e);
  const state = !nl.deployed
    ? `no NodeLocal DNSCache DaemonSet is deployed`
    : cache
      ? `${ds.namespace}/${cache.metadata.name} is not ready (${[cache.status?.phase ?? 'unknown', ...waitingReasons(cache)].join(', ')})`
      : `no ${ds.name} pod runs on ${node}`;
  const evidence: Excerpt[] = [quote(resolvSource(observed, ref), resolvLines(observed, 'nameserver'))];
  evidence.push(quote(nl.deployed ? `DaemonSet ${ds.namespace}/${ds.name}` : 'NodeLocal DNSCache', state));
  const failedProbe = (seenValue(e.clientProbes)?.results ?? []).find(
    (r) => r.hop === 'nodelocal' && probeFailed(r),
  );
  if (failedProbe) evidence.push(quote(probeSource(failedProbe), describeProbe(failedProbe)));

  const remedies: Remedy[] = [];
  if (cache) {
    const name = shq(cache.metadata.name);
    remedies.push({
      summary: `Find why ${cache.metadata.name} is not ready, then let the DaemonSet recreate it.`,
      commands: [
        `kubectl -n ${ns} describe pod ${name}`,
        `kubectl -n ${ns} logs ${name} --previous --timestamps --tail=100`,
        `kubectl -n ${ns} delete pod ${name}`,
      ],
    });
  } else if (nl.deployed) {
    remedies.push({
      summary: `Find why the DaemonSet ${ds.name} has no pod on ${node} (taints, resources), and restore it.`,
      commands: [
        `kubectl -n ${ns} describe daemonset ${shq(ds.name)}`,
        ...(nodeName ? [`kubectl describe node ${shq(nodeName)}`] : []),
      ],
    });
  } else {
    remedies.push({
      summary: `Reinstall NodeLocal DNSCache, or point pods back at the cluster DNS (kubelet clusterDNS on ${node}).`,
      commands: [
        'kubectl get daemonset -A -l k8s-app=node-local-dns',
        ...(nodeName ? [`kubectl get --raw /api/v1/nodes/${shq(nodeName)}/proxy/configz`] : []),
      ],
    });
  }
  const onlyLocal = local.length === servers.length && local.length > 0;
  return [
    finding('nodelocal.not-running', {
      severity: onlyLocal ? 'critical' : 'warning',
      title: `Pod ${ref} uses NodeLocal DNSCache ${local[0] ?? servers[0] ?? ''} but ${state}`,
      detail:
        `The resolv.conf of ${ref} sends queries to NodeLocal DNSCache, and ${state}, so nothing answers on that address. ` +
        (onlyLocal
          ? 'It is the only nameserver: every lookup times out.'
          : 'Other nameservers are listed, so lookups fail over slowly after a timeout.'),
      evidence,
      remedies,
      weight: failedProbe ? 0.9 : viaClusterIp && local.length === 0 ? 0.5 : 0.7,
    }),
  ];
}

export const check: Check = { id: 'nodelocal.not-running', needs: ['nodeLocal', 'podResolvConf'], run };
