/**
 * Node facts no Kubernetes API serves (conntrack table, CPU, TCP retransmissions), from
 * node-exporter series through a Prometheus URL the user gives. Series are matched to the node by
 * `instance` (its InternalIP:9100, or its name) or a `node` label. Without a URL the step says so.
 */
import type { NodeFacts } from '../../playbooks/model/evidence.js';
import type { Gathered } from '../../playbooks/model/gathered.js';
import type { Node } from '../../playbooks/model/k8s.js';
import { readNode, targetNodeName } from './client.js';
import type { GatherContext } from './context.js';
import { attempt, cannotSee } from './support.js';

export const NODE_QUERIES = {
  conntrackEntries: 'node_nf_conntrack_entries',
  conntrackMax: 'node_nf_conntrack_entries_limit',
  cpuBusy: '1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m]))',
  tcpRetransPerSec: 'rate(node_netstat_Tcp_RetransSegs[5m])',
} as const;

type Fact = keyof typeof NODE_QUERIES;

export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

/** Whether a series belongs to the node: by `node`/`kubernetes_node` label, or `instance` host. */
export function seriesOfNode(metric: Record<string, string>, name: string, ips: readonly string[]): boolean {
  if (metric['node'] === name || metric['kubernetes_node'] === name || metric['nodename'] === name)
    return true;
  const instance = metric['instance'];
  if (!instance) return false;
  const host = instance.replace(/^\[(.*)\](:\d+)?$/, '$1').replace(/^([^:]+):\d+$/, '$1');
  return host === name || ips.includes(host);
}

async function query(ctx: GatherContext, base: string, expr: string): Promise<Sample[]> {
  const url = `${base.replace(/\/+$/, '')}/api/v1/query?query=${encodeURIComponent(expr)}`;
  const signal = AbortSignal.any([ctx.deadline, AbortSignal.timeout(ctx.requestTimeoutMs)]);
  let res: Response;
  try {
    res = await fetch(url, { signal });
  } catch (err) {
    if (ctx.deadline.aborted) cannotSee(`deadline of ${ctx.deadlineMs} ms reached`);
    if (signal.aborted) cannotSee(`Prometheus at ${base}: no answer within ${ctx.requestTimeoutMs} ms`);
    cannotSee(`Prometheus at ${base}: ${(err as Error).cause ?? (err as Error).message}`);
  }
  const body = (await res.json().catch(() => undefined)) as
    | { status?: string; error?: string; data?: { result?: Sample[] } }
    | undefined;
  if (!res.ok || body?.status !== 'success')
    cannotSee(
      `Prometheus at ${base} answered ${res.status}: ${body?.error ?? 'not a Prometheus query result'}`,
    );
  return body.data?.result ?? [];
}

function internalIps(node: Node | undefined): string[] {
  return (node?.status?.addresses ?? []).filter((a) => a.type === 'InternalIP').map((a) => a.address);
}

export function nodeFacts(ctx: GatherContext): Promise<Gathered<NodeFacts>> {
  return attempt(async () => {
    const base = ctx.prometheusUrl;
    if (!base) cannotSee('no node-facts source configured: give --prometheus-url');
    const name = await targetNodeName(ctx);
    if (!name) cannotSee('no node to read facts for: the client pod is unseen or not scheduled');
    // Only for matching `instance`: an unreadable Node still matches series by name.
    const node = await readNode(ctx, name).catch(() => undefined);
    const ips = internalIps(node);
    const facts: NodeFacts = { node: name, source: 'prometheus' };
    const entries = Object.entries(NODE_QUERIES) as [Fact, string][];
    const results = await Promise.allSettled(entries.map(([, expr]) => query(ctx, base, expr)));
    let matched = 0;
    results.forEach((r, i) => {
      const fact = entries[i]?.[0];
      if (r.status !== 'fulfilled' || !fact) return;
      const sample = r.value.find((s) => seriesOfNode(s.metric, name, ips));
      const value = sample ? Number(sample.value[1]) : Number.NaN;
      if (Number.isFinite(value)) {
        facts[fact] = value;
        matched++;
      }
    });
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (matched === 0 && failed) throw failed.reason;
    if (matched === 0) cannotSee(`Prometheus at ${base} has no node-exporter series for node ${name}`);
    const kernel = node?.status?.nodeInfo?.kernelVersion;
    if (kernel) facts.kernelVersion = kernel;
    return facts;
  });
}
