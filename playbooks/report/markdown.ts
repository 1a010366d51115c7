/** The report and the ticket draft as Markdown (tickets, issues, chat tools other than Slack). */
import type { Finding } from '../model/finding.js';
import { markdownEscape as esc, fenceFor, terminalSafe } from './sanitize.js';
import type { Report, TicketDraft } from './types.js';

export function block(lines: string[]): string[] {
  const text = lines.map(terminalSafe).join('\n');
  const fence = fenceFor(text);
  return [fence, text, fence];
}

export function findingMarkdown(f: Finding): string[] {
  const out = [`### ${f.severity}: ${esc(f.title)} (\`${f.checkId}\`)`, '', esc(f.detail), ''];
  if (f.evidence.length > 0) {
    out.push(
      'Evidence:',
      '',
      ...block(f.evidence.map((x) => `${x.source}${x.at ? ` ${x.at}` : ''}: ${x.text}`)),
      '',
    );
  }
  for (const r of f.remedies) {
    out.push(`Fix: ${esc(r.summary)}`, '');
    if (r.commands.length > 0) out.push(...block(r.commands), '');
  }
  return out;
}

export function renderTicketMarkdown(t: TicketDraft): string {
  const rows = t.fields.map((f) => `| ${esc(f.label)} | ${esc(f.value)} |`);
  const out = [`## ${esc(t.title)}`, '', '| Field | Value |', '|---|---|', ...rows, ''];
  if (t.evidence.length > 0) out.push('Evidence:', '', ...block(t.evidence), '');
  return out.join('\n');
}

export function renderMarkdown(report: Report): string {
  const v = report.verdict;
  const out = [`# DNS diagnosis: ${esc(v.title)}`, '', `Verdict: \`${v.checkId}\`. ${esc(v.why)}`, ''];
  if (report.findings.length > 0) {
    out.push('## Findings', '');
    for (const f of report.findings) out.push(...findingMarkdown(f));
  }
  out.push('## Steps', '', '| Step | Status | Why |', '|---|---|---|');
  for (const s of report.steps) out.push(`| ${esc(s.title)} | ${s.status} | ${esc(s.reason ?? '')} |`);
  if (report.connectivity.length > 0) {
    out.push(
      '',
      '## Connectivity',
      '',
      '| Result | Hop | Server | Names | Answered | Codes | From | Guide |',
      '|---|---|---|---|---|---|---|---|',
    );
    for (const r of report.connectivity) {
      const counts = Object.entries(r.counts)
        .map(([t, c]) => `${t} ${c}`)
        .join(', ');
      const guide = r.guide ? `${r.guide.issue}: ${r.guide.cause}. ${r.guide.action}` : '';
      out.push(
        `| ${r.result} | ${r.hop} | ${esc(r.server)} | ${esc(r.names.join(' '))} | ${counts} | ${esc(r.codes ?? '')} | ${esc(r.from)} | ${esc(guide)} |`,
      );
    }
  }
  if (report.probeNotes.length > 0) out.push('', ...report.probeNotes.map((n) => `- ${esc(n)}`));
  out.push('', renderTicketMarkdown(report.ticket));
  return out.join('\n');
}
