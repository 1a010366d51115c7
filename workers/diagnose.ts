/**
 * A whole diagnosis: gather the evidence from the cluster, run the guide's playbook over it,
 * return the report. Shared by the CLI and the queue worker, so both give the same answer.
 */
import { CHECKS } from '../playbooks/checks/index.js';
import type { Target } from '../playbooks/model/evidence.js';
import { runPlaybook } from '../playbooks/playbook/run.js';
import type { Report } from '../playbooks/report/types.js';
import { type GatherOptions, gatherEvidence } from './gather/index.js';

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
}

export interface Diagnosis {
  report: Report;
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
  const report = runPlaybook(gathered.evidence, { checks: CHECKS, cluster: gathered.cluster });
  return { report, requests: gathered.requests, ms: Date.now() - t0 };
}
