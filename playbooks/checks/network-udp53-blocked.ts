/**
 * network.udp53-blocked: from the client's node, every UDP query to a DNS server goes unanswered
 * while TCP queries to the same server are answered. Resolvers use UDP first, so lookups fail
 * persistently although the server is up: a security group, network ACL or firewall drops UDP 53.
 * Guide: What to do if security group rules block DNS queries.
 */
import type { Check } from '../model/check.js';
import type { Evidence, ProbeResult } from '../model/evidence.js';
import type { Finding } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import { hostOf } from './support/ip.js';
import { awsInstanceId, clientNamespace, probeNodeName, probeOrigin } from './support/names.js';
import { CLUSTER_DNS_HOPS, clientResults, isDead } from './support/probes.js';
import { onNode } from './support/shell.js';
import { finding } from './support.js';
import { digName, probeExcerpt } from './support-network.js';

/** Fewer UDP attempts than this could be a blip, not "persistently". */
const MIN_UDP_ATTEMPTS = 3;

function blockedServers(results: ProbeResult[]): string[] {
  const servers = [...new Set(results.map((r) => r.server))];
  return servers.filter((s) => {
    const udp = results.filter((r) => r.server === s && r.transport === 'udp');
    const tcp = results.filter((r) => r.server === s && r.transport === 'tcp');
    const udpAttempts = udp.reduce((n, r) => n + r.attempts, 0);
    return udpAttempts >= MIN_UDP_ATTEMPTS && udp.every(isDead) && tcp.some((r) => r.answered > 0);
  });
}

function run(e: Evidence): Finding[] {
  const results = clientResults(e).filter((r) => CLUSTER_DNS_HOPS.has(r.hop));
  const blocked = blockedServers(results);
  if (blocked.length === 0) return [];

  const node = probeNodeName(e);
  const from = probeOrigin(e);
  const ips = blocked.map(hostOf);
  const first = results.find((r) => r.server === blocked[0]);
  const name = digName(e, first);
  const ns = clientNamespace(e);
  const commands = node
    ? [
        onNode(node, `dig +notcp @${ips[0]} ${name} +time=2 +tries=1`),
        onNode(node, `dig +tcp @${ips[0]} ${name} +time=2 +tries=1`),
      ]
    : [];
  commands.push(`kubectl -n ${ns} get networkpolicy`);
  const id = awsInstanceId(seenValue(e.clientNode));
  if (id) {
    commands.push(
      `aws ec2 describe-instances --instance-ids ${id} --query 'Reservations[].Instances[].SecurityGroups'`,
    );
  }
  return [
    finding('network.udp53-blocked', {
      severity: 'critical',
      weight: 0.8,
      title: `UDP 53 blocked from ${from} to ${ips.join(', ')}; TCP 53 answers`,
      detail:
        `Every UDP query from ${from} to ${ips.join(', ')} went unanswered while TCP queries to the same ` +
        'server were answered, so the server is up and only UDP port 53 is dropped on the way. ' +
        'Resolvers send UDP first, so lookups fail persistently until UDP 53 is allowed.',
      evidence: results.filter((r) => blocked.includes(r.server)).map(probeExcerpt),
      remedies: [
        {
          summary: `Allow UDP port 53 from ${from} to the DNS servers in its security groups, network ACLs and host firewall.`,
          commands,
        },
      ],
    }),
  ];
}

export const check: Check = { id: 'network.udp53-blocked', needs: ['clientProbes'], run };
