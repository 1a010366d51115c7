/**
 * A whole diagnosis: gather the evidence from the cluster, run the guide's playbook over it,
 * return the report. Shared by the CLI and the queue worker, so both give the same answer.
 */
import { CHECKS } from '../playbooks/checks/index.js';
import type { Evidence, Target } from '../playbooks/model/evidence.js';
import { unseen } from '../playbooks/model/gathered.js';
import { runPlaybook } from '../playbooks/playbook/run.js';
import type { Report } from '../playbooks/report/types.js';
import { type GatherOptions, gatherEvidence } from './gather/index.js';
import type { Dialer } from './probe/dialer.js';
import { type ProbePlanOptions, probeFromWorker } from './probe/plan.js';

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
   * Where probe packets go (the simulator's address map, or the cluster addresses themselves).
   * Without one nothing is probed: the worker may not be in the cluster network.
   */
  dialer?: Dialer;
  /** Probe from the worker after gathering; default: when a dialer is given. */
  probes?: boolean;
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
  if (req.dialer && (req.probes ?? true)) await probe(req, req.dialer, gathered.evidence);
  const report = runPlaybook(gathered.evidence, { checks: CHECKS, cluster: gathered.cluster });
  return { report, evidence: gathered.evidence, requests: gathered.requests, ms: Date.now() - t0 };
}

/** Worker-local probing: the plan's results go into the evidence, or why they could not be had. */
async function probe(req: DiagnoseRequest, dialer: Dialer, evidence: Evidence): Promise<void> {
  const step = (event: Parameters<NonNullable<GatherOptions['onStep']>>[0]) => {
    try {
      req.onStep?.(event);
    } catch {
      // A progress display that fails must not fail the diagnosis.
    }
  };
  step({ step: 'clientProbes', status: 'started' });
  try {
    const run = await probeFromWorker(dialer, evidence, req.probeOptions);
    evidence.clientProbes = run.clientProbes;
    evidence.corednsSideProbes = run.corednsSideProbes;
    const skipped = run.skipped.length > 0 ? `; not probed: ${run.skipped.slice(0, 3).join('; ')}` : '';
    step(
      run.clientProbes.ok
        ? { step: 'clientProbes', status: 'done', ...(skipped ? { detail: skipped.slice(2) } : {}) }
        : { step: 'clientProbes', status: 'failed', detail: run.clientProbes.reason },
    );
  } catch (err) {
    // A bad plan option is our bug; it must not cost the rest of the diagnosis.
    const reason = `worker-local probing failed: ${err instanceof Error ? err.message : String(err)}`;
    evidence.clientProbes = unseen(reason);
    evidence.corednsSideProbes = unseen(reason);
    step({ step: 'clientProbes', status: 'failed', detail: reason });
  }
}
