/**
 * Gathers the evidence of one diagnosis from the cluster: every source once, in parallel under a
 * concurrency bound, each request with its own timeout, the whole under a deadline. A source that
 * fails or is not done at the deadline is unseen with its reason; nothing here throws for a
 * cluster problem. It throws only for options that cannot work: an unreadable kubeconfig, an
 * unknown context (`ClusterAccessError`), a pod or node that does not exist (`TargetNotFoundError`).
 */
import type { Evidence, EvidenceKey, Target } from '../../playbooks/model/evidence.js';
import { type Gathered, unseen } from '../../playbooks/model/gathered.js';
import type { Node } from '../../playbooks/model/k8s.js';
import type { ClusterSummary } from '../../playbooks/report/types.js';
import { TargetNotFoundError } from '../k8s/errors.js';
import { createClusterReader } from '../k8s/reader.js';
import { askedName } from './asked-name.js';
import {
  clientEvents,
  clientLibc,
  clientNamespace,
  clientNode,
  clientOwner,
  clientPod,
  networkPolicies,
  readClientPod,
} from './client.js';
import { clusterDns } from './cluster-dns.js';
import { type GatherContext, memo } from './context.js';
import { corednsDeployment, corednsEndpoints, corednsNodes, corednsPods, corednsVersion } from './coredns.js';
import { corednsLogs } from './coredns-logs.js';
import { corefile } from './corefile.js';
import { kubeProxy } from './kube-proxy.js';
import { nodeFacts } from './node-facts.js';
import { nodeLocal } from './node-local.js';
import { isNotFound } from './support.js';
import { corednsUsage } from './usage.js';

export interface GatherOptions {
  kubeconfig?: string;
  context?: string;
  target: Target;
  /** The whole gathering ends by then; default 20000. */
  deadlineMs?: number;
  /** Each API request's own timeout; default 5000. */
  requestTimeoutMs?: number;
  /** API requests in flight at once; default 8. */
  concurrency?: number;
  prometheusUrl?: string;
  /** The nameserver IP pods get, when a probe has read it: finds the DNS Service by IP. */
  nameserverIp?: string;
  now?: () => Date;
  onStep?: (event: { step: string; status: 'started' | 'done' | 'failed'; detail?: string }) => void;
}

export interface GatherResult {
  evidence: Evidence;
  cluster: ClusterSummary;
  /** Kubernetes API requests made. */
  requests: number;
}

type Gatherer = (ctx: GatherContext) => Promise<Gathered<unknown>>;

const CLIENT: [EvidenceKey, Gatherer][] = [
  ['clientPod', clientPod],
  ['clientNode', clientNode],
  ['clientNamespace', clientNamespace],
  ['clientOwner', clientOwner],
  ['clientEvents', clientEvents],
  ['networkPolicies', networkPolicies],
  ['clientLibc', clientLibc],
];

const CLUSTER: [EvidenceKey, Gatherer][] = [
  ['clusterDns', clusterDns],
  ['corednsDeployment', corednsDeployment],
  ['corednsPods', corednsPods],
  ['corednsEndpoints', corednsEndpoints],
  ['corefile', corefile],
  ['corednsVersion', corednsVersion],
  ['corednsLogs', corednsLogs],
  ['corednsUsage', corednsUsage],
  ['corednsNodes', corednsNodes],
  ['kubeProxy', kubeProxy],
  ['nodeLocal', nodeLocal],
];

const NODE: [EvidenceKey, Gatherer][] = [
  ['clientNode', clientNode],
  ['clusterDns', clusterDns],
  ['corefile', corefile],
  ['kubeProxy', kubeProxy],
  ['nodeLocal', nodeLocal],
  ['nodeFacts', nodeFacts],
];

/** The evidence a target mode gathers: a pod (everything), a node (its part), or cluster-wide. */
export function planFor(target: Target): [EvidenceKey, Gatherer][] {
  const steps = target.pod
    ? [...CLIENT, ...CLUSTER, ['nodeFacts', nodeFacts] as [EvidenceKey, Gatherer]]
    : target.node
      ? NODE
      : CLUSTER;
  return target.domain ? [...steps, ['askedName', askedName]] : steps;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return v;
}

function whenAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

function summary(e: Evidence, name: string | undefined, version: string | undefined): ClusterSummary {
  const out: ClusterSummary = {};
  if (name) out.name = name;
  if (e.clusterDns?.ok) {
    out.provider = e.clusterDns.value.provider;
    out.clusterDomain = e.clusterDns.value.clusterDomain;
    out.dnsServiceIp = e.clusterDns.value.ip;
  }
  if (e.corednsVersion?.ok) out.corednsVersion = e.corednsVersion.value;
  const nodes: (Node | undefined)[] = [e.clientNode?.ok ? e.clientNode.value : undefined];
  if (e.corednsNodes?.ok) nodes.push(...e.corednsNodes.value);
  const kubelet = nodes.find((n) => n?.status?.nodeInfo?.kubeletVersion)?.status?.nodeInfo?.kubeletVersion;
  const k8s = version || kubelet;
  if (k8s) out.kubernetesVersion = k8s;
  return out;
}

export async function gatherEvidence(options: GatherOptions): Promise<GatherResult> {
  const { target } = options;
  const deadlineMs = positive('deadlineMs', options.deadlineMs, 20000);
  const requestTimeoutMs = positive('requestTimeoutMs', options.requestTimeoutMs, 5000);
  const concurrency = Math.floor(positive('concurrency', options.concurrency, 8));
  const now = options.now?.() ?? new Date();
  const stop = new AbortController();
  const reader = createClusterReader({
    ...(options.kubeconfig !== undefined ? { kubeconfig: options.kubeconfig } : {}),
    ...(options.context !== undefined ? { context: options.context } : {}),
    requestTimeoutMs,
    concurrency,
    deadline: stop.signal,
    deadlineMs,
  });
  const timer = setTimeout(() => stop.abort(), deadlineMs);
  let open = true;
  const step: NonNullable<GatherOptions['onStep']> = (event) => {
    if (!open || !options.onStep) return;
    try {
      options.onStep(event);
    } catch {
      // A progress display that fails must not fail the diagnosis.
    }
  };
  try {
    const ctx: GatherContext = {
      reader,
      target,
      now,
      deadline: stop.signal,
      deadlineMs,
      requestTimeoutMs,
      once: memo(),
      ...(options.prometheusUrl ? { prometheusUrl: options.prometheusUrl } : {}),
      ...(options.nameserverIp ? { nameserverIp: options.nameserverIp } : {}),
    };
    const exists = target.pod ? readClientPod(ctx) : target.node ? reader.getNode(target.node) : undefined;
    exists?.catch(() => undefined);
    let version: string | undefined;
    reader.serverVersion().then(
      (v) => {
        version = v;
      },
      () => undefined,
    );

    const results = new Map<EvidenceKey, Gathered<unknown>>();
    const plan = planFor(target);
    const tasks = plan.map(([key, gather]) => {
      step({ step: key, status: 'started' });
      return gather(ctx).then((g) => {
        results.set(key, g);
        step(g.ok ? { step: key, status: 'done' } : { step: key, status: 'failed', detail: g.reason });
      });
    });

    if (exists) {
      try {
        await exists;
      } catch (err) {
        if (isNotFound(err)) {
          const what = target.pod
            ? `pod ${target.namespace ?? 'default'}/${target.pod}`
            : `node ${target.node}`;
          throw new TargetNotFoundError(what);
        }
      }
    }
    // The server version only labels the report: it is not waited for (the kubelet's stands in).
    await Promise.race([Promise.all(tasks), whenAborted(stop.signal)]);

    const evidence: Evidence = { target, observedAt: now.toISOString() };
    for (const [key] of plan) {
      let g = results.get(key);
      if (!g) {
        const reason = `deadline of ${deadlineMs} ms reached`;
        g = unseen(reason);
        step({ step: key, status: 'failed', detail: reason });
      }
      (evidence as unknown as Record<string, Gathered<unknown>>)[key] = g;
    }
    dropCorednsOnlyEvidence(evidence);
    return { evidence, cluster: summary(evidence, reader.clusterName, version), requests: reader.requests() };
  } finally {
    open = false;
    clearTimeout(timer);
    // Whatever is still in flight (after the deadline, or after a not-found target) is cancelled.
    stop.abort();
  }
}

/**
 * On kube-dns (GKE) there is no Corefile and no CoreDNS version: those sources do not apply, which
 * is "not gathered" (its checks are skipped), not "could not see" (which would be inconclusive).
 */
function dropCorednsOnlyEvidence(evidence: Evidence): void {
  if (evidence.clusterDns?.ok && evidence.clusterDns.value.provider === 'kube-dns') {
    delete evidence.corefile;
    delete evidence.corednsVersion;
  }
}
