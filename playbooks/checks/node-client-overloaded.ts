/**
 * node.client-overloaded: the client's node is CPU-saturated or retransmits TCP heavily while DNS
 * queries from it go unanswered. A fully loaded node drops UDP packets, so lookups fail intermittently
 * or at peak hours although CoreDNS is healthy. Guide: What to do if DNS fails because the client is overloaded.
 */
import type { Check } from '../model/check.js';
import type { Evidence } from '../model/evidence.js';
import type { Excerpt, Finding } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import { instanceId, probeNodeName } from './support/names.js';
import { clientResults, unanswered } from './support/probes.js';
import { onNode, safeName } from './support/shell.js';
import { finding } from './support.js';
import { probeExcerpt } from './support-network.js';

/** CPU busy ratio at which the node counts as saturated. */
export const CPU_SATURATED = 0.9;
/** TCP retransmitted segments per second that count as abnormal for one node (judgement: node-exporter rate). */
export const RETRANS_HIGH = 100;

function run(e: Evidence): Finding[] {
  const facts = seenValue(e.nodeFacts);
  const node = probeNodeName(e);
  // Facts about another node say nothing about the client's.
  if (!facts || (node !== undefined && facts.node !== node)) return [];
  const cpu = facts.cpuBusy !== undefined && facts.cpuBusy >= CPU_SATURATED;
  const retrans = facts.tcpRetransPerSec !== undefined && facts.tcpRetransPerSec >= RETRANS_HIGH;
  const failing = clientResults(e).filter((r) => unanswered(r) > 0);
  if (!(cpu || retrans) || failing.length === 0) return [];

  const name = safeName(facts.node, '');
  const on = name ? `node ${name}` : "the client's node";
  const signs = [
    cpu ? `CPU ${Math.round((facts.cpuBusy ?? 0) * 100)}% busy` : '',
    retrans ? `${facts.tcpRetransPerSec} TCP retransmissions/s` : '',
  ].filter(Boolean);
  const evidence: Excerpt[] = [
    { source: `node facts of ${on} (${facts.source})`, text: signs.join(', ') },
    ...failing.slice(0, 3).map(probeExcerpt),
  ];
  const id = instanceId(seenValue(e.clientNode));
  const commands = name
    ? [
        `kubectl top node ${name}`,
        `kubectl describe node ${name}`,
        `kubectl get pods -A -o wide --field-selector spec.nodeName=${name}`,
        onNode(name, 'nstat -az TcpRetransSegs TcpOutSegs'),
      ]
    : [];
  return [
    finding('node.client-overloaded', {
      severity: 'critical',
      weight: cpu && retrans ? 0.6 : 0.5,
      title: `Client's node ${name || 'unknown'} overloaded (${signs.join(', ')}) while DNS queries time out`,
      detail:
        `${on} shows ${signs.join(' and ')} while ${failing.length} probe series from it lost queries. ` +
        'A saturated node drops UDP packets before they reach CoreDNS, so lookups fail intermittently or at peak hours. ' +
        'Reduce the load or move pods away, open a ticket with the provider, and enable NodeLocal DNSCache.',
      evidence,
      remedies: [
        {
          summary:
            `Find what loads ${on} and spread it; open a provider ticket` +
            `${id ? ` for instance ${id}` : ''} with the retransmission and CPU graphs; enable NodeLocal DNSCache.`,
          commands,
        },
      ],
    }),
  ];
}

export const check: Check = { id: 'node.client-overloaded', needs: ['nodeFacts', 'clientProbes'], run };
