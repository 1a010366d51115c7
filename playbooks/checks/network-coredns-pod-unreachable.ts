/**
 * network.coredns-pod-unreachable: queries sent straight to a CoreDNS pod IP from the client's node
 * get no answer over any transport, although the pod is Ready. Every query the Service sends to
 * that pod is lost: the container network or a security group between the nodes drops it.
 * Guide: the connectivity table ("dig to CoreDNS pod fails") and container network connectivity errors.
 */
import type { Check } from '../model/check.js';
import type { Evidence } from '../model/evidence.js';
import type { Finding } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import type { Node, Pod } from '../model/k8s.js';
import { hostOf } from './support/ip.js';
import { awsInstanceId, dnsNamespace, dnsPodSelector, probeNodeName, probeOrigin } from './support/names.js';
import { clientResults, isDead, unanswered } from './support/probes.js';
import { onNode } from './support/shell.js';
import { finding, isPodReady } from './support.js';
import { digName, probeExcerpt } from './support-network.js';

function run(e: Evidence): Finding[] {
  const results = clientResults(e);
  const podProbes = results.filter((r) => r.hop === 'coredns-pod');
  const servers = [...new Set(podProbes.map((p) => p.server))];
  const corednsPods = seenValue(e.corednsPods) ?? [];
  const podAt = (server: string): Pod | undefined =>
    corednsPods.find((p) => p.status?.podIP === hostOf(server));
  // Dead over every transport (UDP-only loss is network.udp53-blocked); a pod not Ready is
  // coredns.pods-not-ready, not the network.
  const dead = servers.filter((s) => {
    const pod = podAt(s);
    return podProbes.filter((p) => p.server === s).every(isDead) && (!pod || isPodReady(pod));
  });
  if (dead.length === 0) return [];

  const node = probeNodeName(e);
  const from = probeOrigin(e);
  const names = dead.map((s) => {
    const pod = podAt(s);
    return pod ? `${pod.metadata.name} (${hostOf(s)} on ${pod.spec.nodeName ?? 'unknown node'})` : hostOf(s);
  });
  const viaService = results.filter((r) => r.hop === 'dns-service');
  const serviceLoses = viaService.some((r) => unanswered(r) > 0);
  const all = dead.length === servers.length;
  const ns = dnsNamespace(e);
  const ip = hostOf(dead[0] ?? '');
  const name = digName(e, podProbes[0]);
  const commands = [`kubectl -n ${ns} get pods -o wide -l ${dnsPodSelector(e)}`];
  if (node) {
    commands.push(onNode(node, `dig @${ip} ${name} +time=2 +tries=1`), onNode(node, `ping -c 3 ${ip}`));
    commands.push(`kubectl get pods -A -o wide --field-selector spec.nodeName=${node}`);
  }
  const ids = instanceIds(e, dead.map(podAt));
  if (ids.length > 1) {
    commands.push(
      `aws ec2 describe-instances --instance-ids ${ids.join(' ')} --query 'Reservations[].Instances[].SecurityGroups'`,
    );
  }
  return [
    finding('network.coredns-pod-unreachable', {
      severity: all || serviceLoses ? 'critical' : 'warning',
      weight: 0.7,
      title: `CoreDNS pod${dead.length > 1 ? 's' : ''} ${names.join(', ')} unreachable from ${from}`,
      detail:
        `Queries sent directly to ${dead.length} of ${servers.length} CoreDNS pod IPs from ${from} got no answer ` +
        'on any transport, although the pods are Ready. The container network (CNI) or a security group or ' +
        'network ACL between the nodes drops the traffic; every query the DNS Service sends there is lost.',
      evidence: [
        ...podProbes.filter((p) => dead.includes(p.server)).map(probeExcerpt),
        ...viaService.slice(0, 2).map(probeExcerpt),
      ],
      remedies: [
        {
          summary: `Test ${from} to the pod directly, check the CNI pods on both nodes, and check that security groups allow UDP/TCP 53 and the pod network between them.`,
          commands,
        },
      ],
    }),
  ];
}

/** Cloud instance ids of the client's node and of the nodes running the unreachable pods. */
function instanceIds(e: Evidence, pods: (Pod | undefined)[]): string[] {
  const nodes: (Node | undefined)[] = [seenValue(e.clientNode)];
  const corednsNodes = seenValue(e.corednsNodes) ?? [];
  for (const pod of pods) nodes.push(corednsNodes.find((n) => n.metadata.name === pod?.spec.nodeName));
  return [...new Set(nodes.map(awsInstanceId).filter((id): id is string => !!id))];
}

export const check: Check = { id: 'network.coredns-pod-unreachable', needs: ['clientProbes'], run };
