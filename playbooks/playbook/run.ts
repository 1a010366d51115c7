/**
 * Runs the playbook: every step's checks over the evidence, each step's outcome, the verdict.
 * Pure. A check that needs evidence that could not be seen is inconclusive (with the reason and
 * the RBAC rule that would allow it); one whose evidence was not gathered in this mode is skipped.
 */
import { CATALOG, HEALTHY, INCONCLUSIVE, isCause, onlyExternalNames } from '../catalog.js';
import { askedName } from '../checks/support-pod.js';
import type { Check } from '../model/check.js';
import type { Evidence } from '../model/evidence.js';
import type { Finding, Severity } from '../model/finding.js';
import { describeRule } from '../model/gathered.js';
import { connectivityTable } from '../report/connectivity.js';
import { draftTicket } from '../report/ticket.js';
import type { CheckOutcome, ClusterSummary, Report, StepOutcome, Verdict } from '../report/types.js';
import { STEPS, type Step } from './steps.js';

const SEVERITY_RANK: Record<Severity, number> = { critical: 3, warning: 2, info: 1 };

export function byImportance(a: Finding, b: Finding): number {
  return SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || b.weight - a.weight;
}

function runCheck(check: Check, e: Evidence): { outcome: CheckOutcome; findings: Finding[] } {
  const unseen: string[] = [];
  const missing: string[] = [];
  for (const key of check.needs) {
    const g = e[key];
    if (g === undefined) missing.push(key);
    else if (!g.ok)
      unseen.push(`${key}: ${g.reason}${g.missingRule ? ` (needs ${describeRule(g.missingRule)})` : ''}`);
  }
  if (unseen.length > 0) {
    return {
      outcome: { checkId: check.id, status: 'inconclusive', reason: unseen.join('; ') },
      findings: [],
    };
  }
  if (missing.length > 0) {
    return {
      outcome: { checkId: check.id, status: 'skipped', reason: `not gathered: ${missing.join(', ')}` },
      findings: [],
    };
  }
  let findings: Finding[];
  try {
    findings = check.run(e);
  } catch (err) {
    // Our bug, not the cluster's: say so in the step rather than lose the whole report.
    const reason = `internal error in check: ${err instanceof Error ? err.message : String(err)}`;
    return { outcome: { checkId: check.id, status: 'inconclusive', reason }, findings: [] };
  }
  const failed = findings.some((f) => isCause(f.checkId) && f.severity !== 'info');
  return { outcome: { checkId: check.id, status: failed ? 'failed' : 'ok' }, findings };
}

function runStep(step: Step, e: Evidence, checks: ReadonlyMap<string, Check>) {
  const skip = step.skipWhen?.(e);
  const base = { id: step.id, title: step.title, guide: step.guide };
  if (skip) {
    const outcomes = step.checks.map((checkId) => ({ checkId, status: 'skipped' as const, reason: skip }));
    return { outcome: { ...base, status: 'skipped' as const, reason: skip, checks: outcomes }, findings: [] };
  }
  const results = step.checks.flatMap((id) => {
    const check = checks.get(id);
    return check ? [runCheck(check, e)] : [];
  });
  const outcomes = results.map((r) => r.outcome);
  const findings = results.flatMap((r) => r.findings);
  const outcome: StepOutcome = { ...base, status: 'ok', checks: outcomes };
  const failed = findings.filter((f) => isCause(f.checkId) && f.severity !== 'info');
  if (failed.length > 0) {
    outcome.status = 'failed';
    outcome.reason = failed.map((f) => f.title).join('; ');
  } else if (outcomes.some((o) => o.status === 'inconclusive')) {
    outcome.status = 'inconclusive';
    // One line per distinct reason, however many checks share it.
    outcome.reason = [
      ...byReason(
        outcomes.filter((o) => o.status === 'inconclusive'),
        (o) => o.checkId,
      ),
    ]
      .map(([reason, ids]) => `${reason} (${ids.join(', ')})`)
      .join('; ');
  } else if (outcomes.length > 0 && outcomes.every((o) => o.status === 'skipped')) {
    outcome.status = 'skipped';
    outcome.reason = outcomes[0]?.reason ?? 'nothing to check';
  }
  return { outcome, findings };
}

/** Outcomes grouped by their reason, each with the distinct labels of those that share it. */
function byReason<T extends { reason?: string }>(items: T[], label: (t: T) => string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const item of items) {
    const reason = item.reason ?? 'could not see';
    const labels = out.get(reason) ?? [];
    if (!labels.includes(label(item))) labels.push(label(item));
    out.set(reason, labels);
  }
  return out;
}

/**
 * The finding that best explains the symptom. When the user names a cluster name, faults that
 * touch only external names (upstream, private zones) cannot explain it and rank after the rest.
 */
export function chooseVerdict(
  findings: Finding[],
  steps: StepOutcome[],
  asked?: { name: string; kind: 'cluster' | 'external' },
): Verdict {
  const irrelevant = (f: Finding) => asked?.kind === 'cluster' && onlyExternalNames(f.checkId);
  const causes = findings
    .filter((f) => isCause(f.checkId) && f.severity !== 'info')
    .sort((a, b) => Number(irrelevant(a)) - Number(irrelevant(b)) || byImportance(a, b));
  const top = causes[0];
  if (top) {
    const others = causes.slice(1);
    const outranked = others.filter((f) => irrelevant(f) && byImportance(f, top) < 0).map((f) => f.checkId);
    const rest = others.map((f) => f.checkId).filter((id) => !outranked.includes(id));
    const over = [
      rest.length > 0
        ? ` It ranks above ${rest.join(', ')} by severity and by how directly the evidence ties it to the failure.`
        : '',
      outranked.length > 0 && asked
        ? ` ${outranked.join(', ')} ${outranked.length > 1 ? 'touch' : 'touches'} only external names, and ${asked.name} is a cluster name.`
        : '',
    ].join('');
    return { checkId: top.checkId, title: top.title, severity: top.severity, why: `${top.detail}${over}` };
  }
  const blind = steps.filter((s) => s.status === 'inconclusive');
  if (blind.length > 0) {
    return {
      checkId: INCONCLUSIVE,
      title: 'No fault found in what could be seen, but some steps could not see',
      why: [
        ...byReason(
          blind.flatMap((s) =>
            s.checks.filter((c) => c.status === 'inconclusive').map((c) => ({ ...c, step: s.title })),
          ),
          (c) => c.step,
        ),
      ]
        .map(([reason, steps]) => `${steps.join(', ')}: ${reason}`)
        .join('; '),
    };
  }
  const skipped = steps.filter((s) => s.status === 'skipped').map((s) => s.title);
  return {
    checkId: HEALTHY,
    title: 'DNS looks healthy',
    why: `Every step that applies ran and found nothing wrong.${skipped.length > 0 ? ` Not applicable or not gathered here: ${skipped.join('; ')}.` : ''}`,
  };
}

export interface DiagnoseOptions {
  checks: readonly Check[];
  steps?: readonly Step[];
  cluster?: ClusterSummary;
}

export function runPlaybook(e: Evidence, options: DiagnoseOptions): Report {
  const checks = new Map(options.checks.map((c) => [c.id, c]));
  const results = (options.steps ?? STEPS).map((step) => runStep(step, e, checks));
  const steps = results.map((r) => r.outcome);
  const findings = results.flatMap((r) => r.findings).sort(byImportance);
  const verdict = chooseVerdict(findings, steps, askedName(e));
  const cluster = options.cluster ?? {};
  return {
    schemaVersion: 1,
    target: e.target,
    observedAt: e.observedAt,
    cluster,
    verdict,
    findings,
    steps,
    connectivity: connectivityTable(e),
    probeNotes: e.probeNotes ?? [],
    ticket: draftTicket(e, verdict, findings, cluster),
  };
}

/** The catalog title of a verdict id, for renderers. */
export function verdictTitle(id: string): string {
  return id in CATALOG ? CATALOG[id as keyof typeof CATALOG].title : id;
}
