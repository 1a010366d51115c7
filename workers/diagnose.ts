/**
 * A whole diagnosis: gather the evidence from the cluster, run the guide's playbook over it,
 * return the report. Shared by the CLI and the queue worker, so both give the same answer.
 */
import { CHECKS } from '../playbooks/checks/index.js';
import type { Evidence, NodeFacts, Target } from '../playbooks/model/evidence.js';
import { type Gathered, seen, unseen } from '../playbooks/model/gathered.js';
import { runPlaybook } from '../playbooks/playbook/run.js';
import type { Report } from '../playbooks/report/types.js';
import { type GatherOptions, gatherEvidence } from './gather/index.js';
import { createProbePodApi } from './k8s/probe-pods.js';
import type { Dialer } from './probe/dialer.js';
import { type ProbePlanOptions, probeFromWorker } from './probe/plan.js';
import { type PodProbeRun, type PodProbeSettings, probeWithPods } from './probe-pod/probe.js';

export interface DiagnoseRequest {
  target: Target;
  kubeconfig?: string;
  context?: string;
  prometheusUrl?: string;
  deadlineMs?: number;
  /** The clock for "recent" (a simulated cluster has its own now); the real clock by default. */
  now?: () => Date;
  /** Requests in flight at once (8 by default; 1 gathers sequentially, for comparison). */
  concurrency?: number;
  onStep?: GatherOptions['onStep'];
  /**
   * Where probes run: probe pods on the right nodes (the production path, `probePods` needed),
   * the worker itself (`dialer` needed: less faithful, reported as such), or nowhere.
   * Default: `pod` when `probePods` is given, else `local` when a dialer is, else `off`.
   */
  probeMode?: 'pod' | 'local' | 'off';
  /** Worker-local probing: where packets go (the simulator's address map, or the addresses themselves). */
  dialer?: Dialer;
  /** Probe pods: namespace, image, limits. */
  probePods?: PodProbeSettings;
  /** Counts, timeouts and bounds of the probe plan. */
  probeOptions?: ProbePlanOptions;
}

export interface Diagnosis {
  report: Report;
  /** What the report was made from, probe results included (for tests and the worker's logs). */
  evidence: Evidence;
  /** API requests made, for the bench and the logs. */
  requests: number;
  ms: number;
}

export async function diagnoseCluster(req: DiagnoseRequest): Promise<Diagnosis> {
  const t0 = Date.now();
  const options: GatherOptions = { target: req.target };
  if (req.kubeconfig) options.kubeconfig = req.kubeconfig;
  if (req.context) options.context = req.context;
  if (req.prometheusUrl) options.prometheusUrl = req.prometheusUrl;
  if (req.deadlineMs) options.deadlineMs = req.deadlineMs;
  if (req.concurrency) options.concurrency = req.concurrency;
  if (req.now) options.now = req.now;
  if (req.onStep) options.onStep = req.onStep;
  const gathered = await gatherEvidence(options);
  const mode = req.probeMode ?? (req.probePods ? 'pod' : req.dialer ? 'local' : 'off');
  if (mode !== 'off') await probe(req, mode, gathered.evidence);
  else if (gathered.evidence.target.pod || gathered.evidence.target.node) notProbed(gathered.evidence);
  const report = runPlaybook(gathered.evidence, { checks: CHECKS, cluster: gathered.cluster });
  return { report, evidence: gathered.evidence, requests: gathered.requests, ms: Date.now() - t0 };
}

/** The probes' results go into the evidence, or why they could not be had. */
async function probe(req: DiagnoseRequest, mode: 'pod' | 'local', evidence: Evidence): Promise<void> {
  const step = (event: Parameters<NonNullable<GatherOptions['onStep']>>[0]) => {
    try {
      req.onStep?.(event);
    } catch {
      // A progress display that fails must not fail the diagnosis.
    }
  };
  step({ step: 'clientProbes', status: 'started' });
  try {
    const run = mode === 'pod' ? await podProbes(req, evidence) : await localProbes(req, evidence);
    evidence.clientProbes = run.clientProbes;
    evidence.corednsSideProbes = run.corednsSideProbes;
    if (run.podResolvConf) evidence.podResolvConf = run.podResolvConf;
    if (run.nodeResolvConf) evidence.nodeResolvConf = run.nodeResolvConf;
    if (run.nodeFacts) evidence.nodeFacts = mergeNodeFacts(evidence.nodeFacts, run.nodeFacts);
    // Pods left behind first: they need someone's action.
    const left = run.notes.filter((n) => n.startsWith('could not delete'));
    if (run.notes.length > 0) evidence.probeNotes = [...left, ...run.notes.filter((n) => !left.includes(n))];
    const skipped = run.notes.length > 0 ? `; not probed: ${run.notes.slice(0, 3).join('; ')}` : '';
    step(
      run.clientProbes.ok
        ? { step: 'clientProbes', status: 'done', ...(skipped ? { detail: skipped.slice(2) } : {}) }
        : { step: 'clientProbes', status: 'failed', detail: run.clientProbes.reason },
    );
  } catch (err) {
    // A bad plan option is our bug; it must not cost the rest of the diagnosis.
    const reason = `${mode === 'pod' ? 'probe pods' : 'worker-local probing'} failed: ${err instanceof Error ? err.message : String(err)}`;
    evidence.clientProbes = unseen(reason);
    evidence.corednsSideProbes = unseen(reason);
    step({ step: 'clientProbes', status: 'failed', detail: reason });
  }
}

/**
 * Prometheus's series and the node probe's reading of the same node: each fills what the other
 * lacks (the kernel log only the node probe has); a source that failed yields to one that worked.
 */
function mergeNodeFacts(
  prometheus: Gathered<NodeFacts> | undefined,
  probe: Gathered<NodeFacts>,
): Gathered<NodeFacts> {
  if (!probe.ok) {
    if (!prometheus) return probe;
    return prometheus.ok ? prometheus : unseen(`${prometheus.reason}; node probe: ${probe.reason}`);
  }
  if (!prometheus?.ok || prometheus.value.node !== probe.value.node) return probe;
  const kernelLog = probe.value.kernelLog ?? [];
  return seen({ ...probe.value, ...prometheus.value, source: 'prometheus+node-probe', kernelLog });
}

/** Probes off: the steps that need them say so (inconclusive), rather than passing untested. */
function notProbed(evidence: Evidence): void {
  const reason = "not probed: probes are off (--probes pod probes from the client's node)";
  evidence.clientProbes = unseen(reason);
  evidence.corednsSideProbes = unseen(reason);
  evidence.podResolvConf ??= unseen(reason);
}

async function localProbes(req: DiagnoseRequest, evidence: Evidence): Promise<PodProbeRun> {
  if (!req.dialer) throw new Error('worker-local probing needs a dialer');
  const run = await probeFromWorker(req.dialer, evidence, req.probeOptions);
  return { clientProbes: run.clientProbes, corednsSideProbes: run.corednsSideProbes, notes: run.skipped };
}

async function podProbes(req: DiagnoseRequest, evidence: Evidence): Promise<PodProbeRun> {
  if (!req.probePods) throw new Error('probe pods need their settings (namespace, image)');
  const api = createProbePodApi({
    ...(req.kubeconfig ? { kubeconfig: req.kubeconfig } : {}),
    ...(req.context ? { context: req.context } : {}),
    requestTimeoutMs: 5000,
  });
  return probeWithPods(api, evidence, req.probePods, req.probeOptions);
}
