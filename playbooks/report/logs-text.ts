/** What `dnsmedic logs` prints: the guide's Step 3 read of a CoreDNS log, then the findings. */

import { MAX_FAILED_NAMES } from '../logs/summarizer.js';
import type { LogEvent, LogSummary, Rcode } from '../logs/summary-types.js';
import { block, findingMarkdown } from './markdown.js';
import { markdownEscape as esc, terminalSafe as safe } from './sanitize.js';
import { painter, renderFinding, type TextStyle } from './text.js';
import type { Report } from './types.js';

const n = (x: number) => x.toLocaleString('en-US');
const RCODES: (Rcode | 'no response')[] = [
  'NOERROR',
  'NXDOMAIN',
  'SERVFAIL',
  'REFUSED',
  'FORMERR',
  'NOTIMP',
  'OTHER',
  'no response',
];
const EVENT_TITLES: Record<LogEvent['kind'], string> = {
  loop: 'Forwarding loop (FATAL)',
  'parse-error': 'Corefile parse errors',
  'reload-failed': 'Corefile reload failures',
  'reload-ok': 'Configuration loaded',
  'api-unreachable': 'API server unreachable',
  'api-forbidden': 'API access forbidden (RBAC)',
  'max-concurrent': 'forward max_concurrent exceeded',
  'no-healthy-proxies': 'No healthy upstream (forward)',
  'unsynced-api': 'Started with unsynced Kubernetes API',
  'not-ready': 'Not ready (waiting on plugins)',
  fatal: 'Other FATAL lines',
};

/** Rows of the Step 3 table: code, cluster, search-expansion, external. */
export function codeRows(s: LogSummary): string[][] {
  return RCODES.flatMap((code) => {
    const c = code === 'no response' ? s.noResponse : s.byRcode[code];
    if (!c || c.cluster + c['search-expansion'] + c.external === 0) return [];
    return [[code, n(c.cluster), n(c['search-expansion']), n(c.external)]];
  });
}

/** A klog line's own time (`E0612 03:15:09.297602 ...`, maybe after `--prefix`): month, day, time. */
function klogTime(line: string): string | undefined {
  const m = /^(?:\[pod\/[^\]]*\] )?[IWEF](\d{2})(\d{2}) (\d{2}:\d{2}:\d{2})/.exec(line);
  return m ? `${m[1]}-${m[2]} ${m[3]}` : undefined;
}

/** Events' time span: their times, else the klog times of their lines, else their line numbers. */
function eventWindow(list: LogEvent[]): string {
  const times = list.flatMap((e) => (e.at ? [e.at] : []));
  if (times.length > 0) return `${times[0]} .. ${times[times.length - 1]}`;
  const klog = list.flatMap((e) => klogTime(e.line) ?? []);
  const lines = `lines ${list[0]?.lineNo}..${list.at(-1)?.lineNo}`;
  return klog.length > 0 ? `${klog[0]} .. ${klog[klog.length - 1]} (klog times, no year), ${lines}` : lines;
}

function eventGroups(s: LogSummary) {
  const kinds = [...new Set(s.events.map((e) => e.kind))].filter((k) => k !== 'reload-ok');
  return kinds.map((kind) => {
    const list = s.events.filter((e) => e.kind === kind);
    const window = eventWindow(list);
    return {
      kind,
      title: EVENT_TITLES[kind],
      count: s.eventCounts?.[kind] ?? list.length,
      window,
      first: list[0],
      last: list.at(-1),
    };
  });
}

function header(s: LogSummary): string[] {
  const span = s.firstTime ? `, ${s.firstTime} .. ${s.lastTime}` : '';
  const version = s.version ? `, CoreDNS ${s.version}` : '';
  return [
    `${n(s.lines)} lines: ${n(s.queries)} queries, ${n(s.unknown)} unrecognised, ${n(s.overlong)} overlong, ${n(s.binary)} binary${span}${version}`,
    `Names classified against cluster domain ${s.clusterDomain}.`,
  ];
}

export function renderLogsText(s: LogSummary, report: Report, style: TextStyle): string {
  const paint = painter(style);
  const out = [paint('bold', 'CoreDNS log (guide Step 3)'), ...header(s).map((l) => `  ${l}`)];
  if (s.queryLogSeen) {
    out.push(
      '',
      paint('bold', 'Responses by code'),
      `  ${'code'.padEnd(12)}${'cluster'.padStart(12)}${'search-exp.'.padStart(14)}${'external'.padStart(12)}`,
    );
    for (const [code, a, b, c] of codeRows(s))
      out.push(
        `  ${(code ?? '').padEnd(12)}${(a ?? '').padStart(12)}${(b ?? '').padStart(14)}${(c ?? '').padStart(12)}`,
      );
    if (s.truncated > 0) out.push(`  truncated answers (tc): ${n(s.truncated)}`);
    const top = s.failedNames.slice(0, 10);
    if (top.length > 0) {
      out.push('', paint('bold', `Failing names (top ${top.length} of about ${n(s.distinctFailedNames)})`));
      // Past the tracking cap the frequent names stay but their counts are lower bounds.
      if (s.distinctFailedNames > MAX_FAILED_NAMES)
        out.push(
          paint(
            'dim',
            `  more names failed than are tracked (${n(MAX_FAILED_NAMES)}): counts are at least these`,
          ),
        );
      for (const f of top)
        out.push(
          `  ${f.rcode.padEnd(9)} ${String(f.count).padStart(8)}  ${safe(f.name)}  ${paint('dim', `${f.nameClass}${f.authoritative ? ', answered by CoreDNS' : ''}${f.lastSeen ? `, last ${f.lastSeen}` : ''}`)}`,
        );
    }
  } else {
    out.push(
      '',
      '  No query-log lines: the log plugin is off, so only errors and lifecycle lines can be read.',
    );
  }
  if (s.upstreamErrors.length > 0) {
    out.push('', paint('bold', 'Upstream errors (errors plugin)'));
    for (const u of s.upstreamErrors)
      out.push(
        `  ${safe(u.upstream).padEnd(24)} ${n(u.timeouts)} timeouts, ${n(u.other)} other${u.firstSeen ? `  ${u.firstSeen} .. ${u.lastSeen}` : ''}`,
      );
  }
  const groups = eventGroups(s);
  if (groups.length > 0) {
    out.push('', paint('bold', 'Events'));
    for (const g of groups) {
      out.push(`  ${g.title}: ${n(g.count)} (${g.window})`);
      if (g.last) out.push(`    ${paint('dim', `line ${g.last.lineNo}:`)} ${safe(g.last.line)}`);
    }
  }
  out.push(
    '',
    `${paint('bold', 'Verdict:')} ${safe(report.verdict.title)} ${paint('dim', `(${report.verdict.checkId})`)}`,
  );
  for (const f of report.findings) out.push('', ...renderFinding(f, paint));
  return `${out.join('\n')}\n`;
}

export function renderLogsMarkdown(s: LogSummary, report: Report): string {
  const out = ['# CoreDNS log (guide Step 3)', '', ...header(s).map(esc), ''];
  if (s.queryLogSeen) {
    out.push('| code | cluster | search expansion | external |', '|---|---:|---:|---:|');
    for (const row of codeRows(s)) out.push(`| ${row.join(' | ')} |`);
    out.push('');
    if (s.truncated > 0) out.push(`Truncated answers (tc): ${n(s.truncated)}`, '');
    const top = s.failedNames.slice(0, 10);
    if (top.length > 0) {
      out.push(`## Failing names (top ${top.length} of about ${n(s.distinctFailedNames)})`, '');
      if (s.distinctFailedNames > MAX_FAILED_NAMES)
        out.push(
          `More names failed than are tracked (${n(MAX_FAILED_NAMES)}): counts are at least these.`,
          '',
        );
      out.push('| code | count | name | class | last seen |', '|---|---:|---|---|---|');
      for (const f of top)
        out.push(
          `| ${f.rcode} | ${n(f.count)} | ${esc(f.name)} | ${f.nameClass}${f.authoritative ? ', answered by CoreDNS' : ''} | ${esc(f.lastSeen ?? '')} |`,
        );
      out.push('');
    }
  } else {
    out.push(
      'No query-log lines: the log plugin is off, so only errors and lifecycle lines can be read.',
      '',
    );
  }
  if (s.upstreamErrors.length > 0) {
    out.push(
      '## Upstream errors',
      '',
      ...s.upstreamErrors.map(
        (u) =>
          `- ${esc(u.upstream)}: ${n(u.timeouts)} timeouts, ${n(u.other)} other${u.firstSeen ? ` (${esc(`${u.firstSeen} .. ${u.lastSeen}`)})` : ''}`,
      ),
      '',
    );
  }
  const groups = eventGroups(s);
  if (groups.length > 0) {
    out.push('## Events', '');
    for (const g of groups) out.push(`- ${g.title}: ${n(g.count)} (${esc(g.window)})`);
    out.push(
      '',
      ...block(groups.flatMap((g) => (g.last ? [`line ${g.last.lineNo}: ${g.last.line}`] : []))),
      '',
    );
  }
  out.push(`## Verdict: ${esc(report.verdict.title)} (\`${report.verdict.checkId}\`)`, '');
  for (const f of report.findings) out.push(...findingMarkdown(f));
  return `${out.join('\n')}\n`;
}
