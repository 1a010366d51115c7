import { describe, expect, it } from 'vitest';
import { logsReport } from '../../../cli/commands/logs-report.js';
import { LogSummarizer } from '../../../playbooks/logs/summarizer.js';
import { renderLogsMarkdown, renderLogsText } from '../../../playbooks/report/logs-text.js';
import * as L from '../logs/samples.js';

function render(lines: string[]): { markdown: string; text: string } {
  const s = new LogSummarizer();
  s.push(Buffer.from(lines.join('\n')));
  const summary = s.end();
  const report = logsReport(summary, new Date('2026-11-26T10:00:00Z'));
  return {
    markdown: renderLogsMarkdown(summary, report),
    text: renderLogsText(summary, report, { colour: false }),
  };
}

describe('the Markdown read of a CoreDNS log', () => {
  it('shows what the text shows: failing names, truncation, upstream windows', () => {
    const hostile = L.QUERY_SERVFAIL.replace('api.example.net.', 'api.ex|am`ple.net.');
    const { markdown, text } = render([
      hostile,
      hostile,
      L.QUERY_SERVFAIL,
      L.QUERY_SERVFAIL.replace('SERVFAIL qr,rd', 'NOERROR qr,rd,tc'),
      `2026-11-26T09:14:13.6Z ${L.ERR_UPSTREAM_TIMEOUT}`,
      `2026-11-26T09:14:48.1Z ${L.ERR_UPSTREAM_TIMEOUT}`,
    ]);
    expect(text).toContain('Failing names (top 2 of about 2)');
    expect(markdown).toContain('## Failing names (top 2 of about 2)');
    expect(markdown).toContain('| SERVFAIL | 2 | api.ex\\|am\\`ple.net. | external |  |');
    expect(markdown).toContain('Truncated answers (tc): 1');
    expect(markdown).toContain(
      '- 192.0.2.53:53: 2 timeouts, 0 other (2026-11-26T09:14:13.6Z .. 2026-11-26T09:14:48.1Z)',
    );
  });

  it('says when the query log is off', () => {
    const { markdown } = render([L.RELOAD_FAILED]);
    expect(markdown).toContain('No query-log lines: the log plugin is off');
    expect(markdown).not.toContain('Failing names');
  });

  it('gives API errors without --timestamps the window of their klog times', () => {
    const later = L.KLOG_REFUSED.replace('E0612 03:15:09', 'E0612 03:20:11');
    const { markdown, text } = render([L.KLOG_REFUSED, L.QUERY_1_6_3, later]);
    const window = '06-12 03:15:09 .. 06-12 03:20:11 (klog times, no year), lines 1..3';
    expect(markdown).toContain(`API server unreachable: 2 (${window.replace(/[()]/g, '\\$&')})`);
    expect(text).toContain(`API server unreachable: 2 (${window})`);
    const prefixed = render(
      [L.KLOG_REFUSED, L.QUERY_1_6_3, later].map((l) => `[pod/coredns-x/coredns] ${l}`),
    );
    expect(prefixed.text).toContain(`API server unreachable: 2 (${window})`);
  });
});
