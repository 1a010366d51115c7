/**
 * node.conntrack-full: the node's conntrack table is full (`nf_conntrack: table full, dropping packet`
 * in the kernel log) or nearly so. New UDP and TCP flows, DNS queries first among them, are dropped,
 * typically at peak hours. Guide: What to do if the conntrack table is full.
 */
import type { Check } from '../model/check.js';
import type { Evidence } from '../model/evidence.js';
import type { Excerpt, Finding } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import { probeNodeName } from './support/names.js';
import { clientResults, unanswered } from './support/probes.js';
import { onNode, safeName } from './support/shell.js';
import { clip } from './support/text.js';
import { finding } from './support.js';
import { kubeProxyDaemonSet } from './support-network.js';

/** Newer kernels print the prefix twice: `nf_conntrack: nf_conntrack: table full, dropping packet`. */
const TABLE_FULL = /nf_conntrack: (?:nf_conntrack: )?table full, dropping packet/;
/** Entries at or above this share of the limit count as "near the limit". */
export const NEAR_FULL = 0.9;

function run(e: Evidence): Finding[] {
  const facts = seenValue(e.nodeFacts);
  if (!facts) return [];
  const lines = (facts.kernelLog ?? []).filter((l) => TABLE_FULL.test(l));
  const { conntrackEntries: count, conntrackMax: max } = facts;
  const usage = count !== undefined && max !== undefined && max > 0 ? count / max : undefined;
  const near = usage !== undefined && usage >= NEAR_FULL;
  if (lines.length === 0 && !near) return [];

  const node = safeName(facts.node, '');
  const on = node ? `node ${node}` : 'the node';
  // Probe loss counts only when the probes ran on this node.
  const losing = probeNodeName(e) === facts.node && clientResults(e).some((r) => unanswered(r) > 0);
  const full = lines.length > 0 || (usage ?? 0) >= 1;
  const evidence: Excerpt[] = lines
    .slice(-3)
    .map((l) => ({ source: `kernel log of ${on} (${facts.source})`, text: clip(l) }));
  if (usage !== undefined) {
    evidence.push({
      source: `conntrack on ${on} (${facts.source})`,
      text: `nf_conntrack_count ${count} of nf_conntrack_max ${max} (${Math.round(usage * 100)}%)`,
    });
  }
  const target = Math.max(262144, (max ?? 0) * 2);
  const commands = node
    ? [
        onNode(
          node,
          'cat /proc/sys/net/netfilter/nf_conntrack_count /proc/sys/net/netfilter/nf_conntrack_max',
        ),
        onNode(node, 'conntrack -S'),
        onNode(node, `sysctl -w net.netfilter.nf_conntrack_max=${target}`),
      ]
    : [];
  // kube-proxy sets nf_conntrack_max at start (conntrack.maxPerCore / min): raise it there to persist.
  if (seenValue(e.kubeProxy)?.runsKubeProxy) {
    const ds = kubeProxyDaemonSet(e);
    commands.push(`kubectl -n ${ds.namespace} edit configmap ${ds.name}`);
  }
  return [
    finding('node.conntrack-full', {
      severity: full || losing ? 'critical' : 'warning',
      weight: lines.length > 0 ? 0.9 : full ? 0.8 : losing ? 0.6 : 0.4,
      title: full ? `Conntrack table full on ${on}: packets dropped` : `Conntrack table nearly full on ${on}`,
      detail:
        (lines.length > 0
          ? `The kernel of ${on} logged that its conntrack table is full and it is dropping packets. `
          : `The conntrack table of ${on} holds ${count} of ${max} entries. `) +
        'Every new DNS query needs a conntrack entry, so queries from pods on this node are dropped and ' +
        'time out, worst at peak hours. Raise nf_conntrack_max (and kube-proxy conntrack settings, which reset it).',
      evidence,
      remedies: [{ summary: `Raise the conntrack limit on ${on} to ${target} and persist it.`, commands }],
    }),
  ];
}

export const check: Check = { id: 'node.conntrack-full', needs: ['nodeFacts'], run };
