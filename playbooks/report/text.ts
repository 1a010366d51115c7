/** The report for a terminal: verdict first, then findings with evidence and commands, then steps. */
import type { Finding } from '../model/finding.js';
import { oneLine, terminalSafe as safe } from './sanitize.js';
import type { Report, StepStatus } from './types.js';

export interface TextStyle {
  colour: boolean;
}

const CODES = { red: 31, yellow: 33, green: 32, cyan: 36, dim: 2, bold: 1 } as const;
type Colour = keyof typeof CODES;

export function painter(style: TextStyle): (c: Colour, s: string) => string {
  return (c, s) => (style.colour ? `\u001b[${CODES[c]}m${s}\u001b[0m` : s);
}

const STATUS_MARK: Record<StepStatus, [string, Colour]> = {
  ok: ['ok', 'green'],
  failed: ['FAILED', 'red'],
  inconclusive: ['inconclusive', 'yellow'],
  skipped: ['skipped', 'dim'],
};

export function renderFinding(f: Finding, paint: ReturnType<typeof painter>): string[] {
  const colour: Colour = f.severity === 'critical' ? 'red' : f.severity === 'warning' ? 'yellow' : 'cyan';
  const lines = [
    `${paint(colour, f.severity.toUpperCase())} ${safe(f.title)}  ${paint('dim', f.checkId)}`,
    `  ${safe(f.detail)}`,
  ];
  for (const x of f.evidence)
    lines.push(`  ${paint('dim', `${safe(x.source)}${x.at ? ` ${safe(x.at)}` : ''}:`)} ${safe(x.text)}`);
  for (const r of f.remedies) {
    lines.push(`  ${paint('bold', 'Fix:')} ${safe(r.summary)}`);
    for (const c of r.commands) lines.push(`    $ ${safe(c)}`);
  }
  return lines;
}

export function renderText(report: Report, style: TextStyle): string {
  const paint = painter(style);
  const v = report.verdict;
  const healthy = v.checkId === 'dns.healthy';
  const head = healthy
    ? paint('green', 'HEALTHY')
    : v.checkId === 'check.inconclusive'
      ? paint('yellow', 'INCONCLUSIVE')
      : paint('red', 'VERDICT');
  const target = [
    report.target.namespace && report.target.pod
      ? `${report.target.namespace}/${report.target.pod}`
      : undefined,
    report.target.domain,
  ]
    .filter(Boolean)
    .join(' ');
  const out = [`${head} ${paint('bold', safe(v.title))}  ${paint('dim', v.checkId)}`, `  ${safe(v.why)}`];
  if (target) out.unshift(paint('dim', `dnsmedic diagnosis of ${safe(target)} at ${report.observedAt}`));
  if (report.findings.length > 0) {
    out.push('', paint('bold', 'Findings'));
    for (const f of report.findings) out.push(...renderFinding(f, paint), '');
  }
  out.push(paint('bold', 'Steps'));
  for (const s of report.steps) {
    const [mark, colour] = STATUS_MARK[s.status];
    out.push(
      `  ${paint(colour, mark.padEnd(12))} ${s.title}${s.reason && s.status !== 'ok' ? paint('dim', ` (${safe(s.reason)})`) : ''}`,
    );
  }
  if (report.connectivity.length > 0) {
    out.push('', paint('bold', "Connectivity (the guide's tables)"));
    for (const r of report.connectivity) {
      const colour: Colour = r.result === 'ok' ? 'green' : r.result === 'error-code' ? 'yellow' : 'red';
      const counts = Object.entries(r.counts)
        .map(([t, c]) => `${t} ${c}`)
        .join(', ');
      out.push(
        `  ${paint(colour, r.result.padEnd(12))} ${r.hop.padEnd(11)} ${oneLine(r.server).padEnd(22)} ${oneLine(counts)}${r.codes ? `; ${oneLine(r.codes)}` : ''}  ${paint('dim', `from ${oneLine(r.from)}`)}`,
      );
      if (r.result !== 'ok' && r.sample) out.push(`    ${paint('dim', oneLine(r.sample))}`);
    }
    // The guide's row once per kind of failing hop, however many servers failed.
    const guides = new Map(report.connectivity.flatMap((r) => (r.guide ? [[r.guide.issue, r.guide]] : [])));
    for (const g of guides.values())
      out.push(`  ${paint('bold', 'Guide:')} ${g.issue}: ${g.cause}. ${g.action}`);
  }
  if (!healthy) {
    out.push('', paint('bold', 'Support ticket draft'), `  ${safe(report.ticket.title)}`);
    for (const f of report.ticket.fields) out.push(`  ${f.label}: ${safe(f.value)}`);
  }
  return `${out.join('\n')}\n`;
}
