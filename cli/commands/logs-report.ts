/**
 * The second half of `dnsmedic logs`: the log-based checks over a summary, and its rendering.
 * A module of its own so it can load (checks, playbook, renderers: ~75 modules) while the log is
 * still being read.
 */
import { isFaultVerdict } from '../../playbooks/catalog.js';
import { CHECKS } from '../../playbooks/checks/index.js';
import type { LogSummary } from '../../playbooks/logs/summary-types.js';
import { seen } from '../../playbooks/model/gathered.js';
import { runPlaybook } from '../../playbooks/playbook/run.js';
import { renderLogsMarkdown, renderLogsText } from '../../playbooks/report/logs-text.js';
import type { Report } from '../../playbooks/report/types.js';
import type { Output } from '../grammar.js';

/**
 * The log is the observation: "recent" means near its last line, not near the moment someone
 * runs the command on a saved file. Without times in the log, now is all there is.
 */
function observedAt(summary: LogSummary): string | undefined {
  const last = summary.lastTime ? new Date(summary.lastTime) : undefined;
  return last && !Number.isNaN(last.getTime()) ? last.toISOString() : undefined;
}

export function logsReport(summary: LogSummary, now: Date): Report {
  const at = observedAt(summary);
  const evidence = {
    target: {},
    observedAt: at ?? now.toISOString(),
    ...(at ? {} : { observedAtIsClock: true }),
    corednsLogs: seen(summary),
  };
  const cluster = summary.version
    ? { corednsVersion: summary.version, clusterDomain: summary.clusterDomain }
    : { clusterDomain: summary.clusterDomain };
  return runPlaybook(evidence, { checks: CHECKS, cluster });
}

/** The rendered output and whether it names a fault (exit code 1). */
export function renderLogs(
  summary: LogSummary,
  output: Output,
  colour: boolean,
  now: Date,
): { text: string; fault: boolean } {
  const report = logsReport(summary, now);
  const text =
    output === 'json'
      ? `${JSON.stringify({ summary, report }, null, 2)}\n`
      : output === 'markdown'
        ? renderLogsMarkdown(summary, report)
        : renderLogsText(summary, report, { colour });
  return { text, fault: isFaultVerdict(report.verdict.checkId) };
}
