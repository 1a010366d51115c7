import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../../playbooks/checks/index.js';
import { seen } from '../../../playbooks/model/gathered.js';
import { runPlaybook } from '../../../playbooks/playbook/run.js';
import { renderJson } from '../../../playbooks/report/json.js';
import { renderMarkdown, renderTicketMarkdown } from '../../../playbooks/report/markdown.js';
import { fenceFor, markdownEscape, terminalSafe } from '../../../playbooks/report/sanitize.js';
import { renderText } from '../../../playbooks/report/text.js';
import { emptyLogSummary } from '../../fixtures/evidence.js';

const HOSTILE = 'x ```\n# heading <b>bold</b> *star* \u001b[31mred\u0007 [link](http://evil)';

function brokenReport() {
  const logs = emptyLogSummary({
    lines: 2,
    events: [
      {
        kind: 'loop',
        lineNo: 2,
        line: `[FATAL] plugin/loop: Loop (127.0.0.1:1 -> :53) detected ${HOSTILE}`,
        detail: '127.0.0.1:1 -> :53',
      },
    ],
  });
  return runPlaybook(
    { target: {}, observedAt: '2026-11-26T10:00:00Z', corednsLogs: seen(logs) },
    { checks: CHECKS },
  );
}

describe('renderers', () => {
  it('terminal text: verdict first, no escape sequences from the log, colour only when asked', () => {
    const report = brokenReport();
    const plain = renderText(report, { colour: false });
    expect(plain.split('\n')[0]).toContain('coredns.loop-detected');
    expect(plain).not.toContain('\u001b');
    expect(plain).not.toContain('\u0007');
    expect(renderText(report, { colour: true })).toContain('\u001b[31m');
  });

  it('Markdown: hostile log text stays inside a fence it cannot close', () => {
    const md = renderMarkdown(brokenReport());
    const fenced = md.split('\n').filter((l) => /^`{3,}$/.test(l));
    expect(fenced.length % 2).toBe(0);
    expect(fenced.some((f) => f.length >= 4)).toBe(true);
    expect(md).not.toMatch(/^# heading/m);
  });

  it('JSON: the documented stable shape', () => {
    const json = JSON.parse(renderJson(brokenReport()));
    expect(json.schemaVersion).toBe(1);
    expect(json.verdict).toMatchObject({ checkId: 'coredns.loop-detected', severity: 'critical' });
    expect(json.findings[0]).toEqual(
      expect.objectContaining({
        checkId: expect.any(String),
        severity: expect.any(String),
        evidence: expect.any(Array),
        remedies: expect.any(Array),
      }),
    );
    for (const s of json.steps) expect(['ok', 'failed', 'inconclusive', 'skipped']).toContain(s.status);
    expect(json.ticket.fields.map((f: { label: string }) => f.label)).toContain(
      'Instance IDs of the nodes running CoreDNS',
    );
  });

  it('ticket Markdown is a table with escaped values', () => {
    const md = renderTicketMarkdown({
      title: 'DNS failure',
      fields: [{ label: 'Domain name', value: 'a|b' }],
      evidence: [],
    });
    expect(md).toContain('| Domain name | a\\|b |');
  });

  it.each([
    ['terminalSafe', terminalSafe('a\u001b[2Jb\u0000c\u009bd'), 'a?[2Jb?c?d'],
    ['markdownEscape', markdownEscape('*x* <y> `z`'), '\\*x\\* \\<y\\> \\`z\\`'],
    ['fenceFor', fenceFor('has ```` four'), '`````'],
    ['fenceFor plain', fenceFor('plain'), '```'],
  ])('%s', (_name, actual, expected) => {
    expect(actual).toBe(expected);
  });
});
