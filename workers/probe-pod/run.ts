/**
 * One probe pod's life: create it, wait for it to finish, read its report from the log, and
 * delete it, always (also on timeout, refusal and error). Nothing here throws for what the
 * cluster does: every way it can go wrong is an outcome with a reason the report can show.
 */
import type { RbacRule } from '../../playbooks/model/gathered.js';
import type { Pod } from '../../playbooks/model/k8s.js';
import { apiErrorReason, ClusterApiError } from '../k8s/errors.js';
import type { ProbePodApi } from '../k8s/probe-pods.js';
import { type ProbeReport, parseProbeReport } from '../probe/spec.js';
import { PROBE_SELECTOR } from './manifest.js';

export type ProbePodOutcome =
  | { ok: true; report: ProbeReport; pod: string; node: string; cleanup?: string }
  | { ok: false; reason: string; rule?: RbacRule; cleanup?: string };

export interface RunOptions {
  /** How long to wait for the pod to finish, from the create. */
  timeoutMs: number;
  /** Between status reads while it runs. */
  pollMs?: number;
  signal?: AbortSignal;
}

/** The report is one line; anything much bigger is not a report. */
const LOG_LIMIT_BYTES = 4 * 1024 * 1024;
/** Create errors after which the pod certainly does not exist. */
const NO_POD = new Set(['forbidden', 'unauthorized', 'not-found', 'bad-request', 'http-error']);
/** Waiting reasons that will not resolve by themselves within a probe's lifetime. */
const STUCK = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'ErrImageNeverPull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

export async function runProbePod(
  api: ProbePodApi,
  namespace: string,
  manifest: object,
  options: RunOptions,
): Promise<ProbePodOutcome> {
  const started = Date.now();
  let created: Pod;
  try {
    created = await api.create(namespace, manifest);
  } catch (err) {
    const outcome = refused(err, namespace);
    // No answer (timeout, connection lost, 5xx) does not mean no pod: delete it by its name.
    const named = (manifest as { metadata?: { name?: string } }).metadata?.name;
    const unanswered = err instanceof ClusterApiError && !NO_POD.has(err.kind);
    const cleanup = unanswered && named ? await remove(api, namespace, named) : undefined;
    return cleanup ? { ...outcome, cleanup } : outcome;
  }
  const name = created.metadata.name;
  let outcome: ProbePodOutcome;
  try {
    outcome = await waitAndRead(api, namespace, name, started, options);
  } catch (err) {
    outcome = { ok: false, reason: `probe pod ${namespace}/${name}: ${describe(err)}` };
  }
  const cleanup = await remove(api, namespace, name);
  return cleanup ? { ...outcome, cleanup } : outcome;
}

async function waitAndRead(
  api: ProbePodApi,
  namespace: string,
  name: string,
  started: number,
  options: RunOptions,
): Promise<ProbePodOutcome> {
  const pollMs = options.pollMs ?? 500;
  const where = `probe pod ${namespace}/${name}`;
  for (;;) {
    const pod = await api.get(namespace, name);
    const phase = pod.status?.phase ?? 'Pending';
    if (phase === 'Succeeded' || phase === 'Failed') return finished(api, pod, namespace, where);
    const stuck = stuckReason(pod);
    if (stuck) return { ok: false, reason: `${where} cannot start: ${stuck}` };
    const left = options.timeoutMs - (Date.now() - started);
    if (options.signal?.aborted)
      return { ok: false, reason: `${where} was abandoned: the diagnosis was stopped` };
    if (left <= 0) {
      return { ok: false, reason: `${where} did not finish within ${options.timeoutMs / 1000} s (${phase})` };
    }
    await sleep(Math.min(pollMs, left), options.signal);
  }
}

async function finished(
  api: ProbePodApi,
  pod: Pod,
  namespace: string,
  where: string,
): Promise<ProbePodOutcome> {
  const node = pod.spec.nodeName ?? '';
  const status = pod.status as (Pod['status'] & { reason?: string; message?: string }) | undefined;
  const terminated = status?.containerStatuses?.[0]?.state?.terminated;
  // Rejected by the node before the container ran (OutOfcpu, NodeAffinity...): no log to read.
  if (status?.phase === 'Failed' && !terminated) {
    const why = [status.reason, status.message].filter(Boolean).join(': ') || 'no reason given';
    return { ok: false, reason: `the node ${node || '?'} refused ${where}: ${why}` };
  }
  const log = await api.log(namespace, pod.metadata.name, LOG_LIMIT_BYTES);
  const report = parseProbeReport(log);
  if (typeof report !== 'string') return { ok: true, report, pod: pod.metadata.name, node };
  const exit = terminated?.exitCode;
  const last = lastLine(log);
  const detail = exit !== undefined && exit !== 0 ? `exited with code ${exit}` : report;
  return { ok: false, reason: `${where} ${detail}${last ? `: ${last}` : ''}` };
}

function stuckReason(pod: Pod): string | undefined {
  for (const c of pod.status?.containerStatuses ?? []) {
    const w = c.state?.waiting;
    if (w?.reason && STUCK.has(w.reason)) return [w.reason, w.message].filter(Boolean).join(': ');
  }
  const conditions = (
    pod.status as
      | { conditions?: { type?: string; status?: string; reason?: string; message?: string }[] }
      | undefined
  )?.conditions;
  const unschedulable = conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  return unschedulable ? [unschedulable.reason, unschedulable.message].filter(Boolean).join(': ') : undefined;
}

/** A create the API server answered with an error: RBAC, admission (webhook, Pod Security), or else. */
function refused(err: unknown, namespace: string): ProbePodOutcome {
  if (!(err instanceof ClusterApiError))
    return { ok: false, reason: `creating a probe pod failed: ${describe(err)}` };
  // RBAC's own wording; any other 403 on a create is an admission controller saying no.
  if (err.kind === 'forbidden' && /cannot create resource/.test(err.message)) {
    return { ok: false, reason: apiErrorReason(err), rule: err.rule };
  }
  if (err.kind === 'not-found') {
    return {
      ok: false,
      reason: `the probe namespace ${namespace} does not exist (deploy/rbac.yaml creates it)`,
    };
  }
  if (err.kind === 'forbidden' || err.status === 400 || err.status === 422) {
    return { ok: false, reason: `the API server refused the probe pod in ${namespace}: ${err.message}` };
  }
  return { ok: false, reason: apiErrorReason(err) };
}

/** Deleted whatever happened; a failure here is reported (with how to collect), never thrown. */
async function remove(api: ProbePodApi, namespace: string, name: string): Promise<string | undefined> {
  try {
    await api.delete(namespace, name);
    return undefined;
  } catch (err) {
    if (err instanceof ClusterApiError && err.kind === 'not-found') return undefined;
    return `could not delete probe pod ${namespace}/${name} (${describe(err)}); it stops by itself at its activeDeadlineSeconds; collect leftovers with: kubectl -n ${namespace} delete pods -l ${PROBE_SELECTOR}`;
  }
}

function lastLine(log: string): string {
  const lines = log.trimEnd().split('\n');
  return (lines.at(-1) ?? '').slice(0, 300);
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
