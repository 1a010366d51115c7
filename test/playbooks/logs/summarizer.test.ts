import { describe, expect, it } from 'vitest';
import { LogSummarizer, mergePartials } from '../../../playbooks/logs/summarizer.js';
import type { LogSummary } from '../../../playbooks/logs/summary-types.js';
import * as L from './samples.js';

function summarize(text: string | Buffer, chunk = 1 << 20, clusterDomain?: string): LogSummary {
  const s = new LogSummarizer(clusterDomain ? { clusterDomain } : {});
  const buf = typeof text === 'string' ? Buffer.from(text) : text;
  for (let i = 0; i < buf.length; i += chunk) s.push(buf.subarray(i, i + chunk));
  return s.end();
}

const MIXED = [
  L.VERSION,
  L.PLATFORM,
  L.QUERY_1_6_3,
  L.QUERY_EXPANSION,
  L.QUERY_SERVFAIL,
  L.QUERY_TIMEOUT,
  L.QUERY_TC,
  L.QUERY_1_2_5,
  L.KUBECTL_TS + L.QUERY_1_5,
  L.ERR_UPSTREAM_TIMEOUT,
  L.ERR_LOOP_PROBE,
  L.RELOAD_FAILED,
  L.RELOAD_OK,
  'something nobody logs',
].join('\n');

describe('LogSummarizer', () => {
  it('counts responses by code and name class (Step 3)', () => {
    const s = summarize(MIXED);
    expect(s.lines).toBe(14);
    expect(s.queries).toBe(7);
    expect(s.byRcode.NOERROR).toEqual({ cluster: 4, 'search-expansion': 0, external: 0 });
    expect(s.byRcode.NXDOMAIN).toEqual({ cluster: 0, 'search-expansion': 1, external: 0 });
    expect(s.byRcode.SERVFAIL).toEqual({ cluster: 0, 'search-expansion': 0, external: 1 });
    expect(s.noResponse.external).toBe(1);
    expect(s.truncated).toBe(1);
    expect(s.unknown).toBe(1);
    expect(s.version).toBe('1.11.3');
    expect(s.queryLogSeen).toBe(true);
  });

  it('keeps failing names but not search-list expansions', () => {
    const s = summarize(MIXED);
    expect(s.failedNames.map((f) => [f.name, f.rcode, f.nameClass, f.authoritative])).toEqual(
      expect.arrayContaining([
        ['api.example.net.', 'SERVFAIL', 'external', false],
        ['cdn.example.org.', 'TIMEOUT', 'external', false],
      ]),
    );
    expect(s.failedNames.some((f) => f.name.startsWith('api.example.net.prod'))).toBe(false);
  });

  it('groups upstream errors by upstream address', () => {
    const s = summarize(MIXED);
    expect(s.upstreamErrors).toEqual([
      expect.objectContaining({ upstream: '192.0.2.53:53', timeouts: 2, other: 0 }),
    ]);
  });

  it('records events with line numbers, in order', () => {
    const s = summarize(MIXED);
    expect(s.events.map((e) => [e.kind, e.lineNo])).toEqual([
      ['reload-failed', 12],
      ['reload-ok', 13],
    ]);
  });

  it('gives the same summary whatever the chunk size', () => {
    const whole = summarize(MIXED);
    for (const chunk of [1, 7, 64]) expect(summarize(MIXED, chunk)).toEqual(whole);
  });

  it('handles CRLF and a missing final newline', () => {
    const s = summarize(`${L.QUERY_1_6_3}\r\n${L.QUERY_SERVFAIL}`);
    expect(s.queries).toBe(2);
    expect(s.byRcode.SERVFAIL?.external).toBe(1);
  });

  it('takes times from every era and buckets queries per minute', () => {
    const lines = [
      `2026-11-26T09:15:02.1Z ${L.QUERY_1_6_3}`,
      `2026-11-26T09:15:40.1Z ${L.QUERY_SERVFAIL}`,
      `2026-11-26T09:16:01.5Z ${L.QUERY_1_6_3}`,
    ];
    const s = summarize(lines.join('\n'));
    expect(s.firstTime).toBe('2026-11-26T09:15:02.1Z');
    expect(s.lastTime).toBe('2026-11-26T09:16:01.5Z');
    expect(s.minutes).toEqual([
      { minute: '2026-11-26T09:15', ok: 1, failed: 1 },
      { minute: '2026-11-26T09:16', ok: 1, failed: 0 },
    ]);
    expect(s.failedNames[0]?.firstSeen).toBe('2026-11-26T09:15:40.1Z');
  });

  it('classifies against a custom cluster domain', () => {
    const line = L.QUERY_1_6_3.replace('cluster.local', 'corp.internal');
    expect(summarize(line, 1 << 20, 'corp.internal').byRcode.NOERROR?.cluster).toBe(1);
    expect(summarize(line).byRcode.NOERROR?.cluster).toBe(0);
  });

  it('counts overlong and binary lines without keeping them', () => {
    const s = new LogSummarizer({ maxLineBytes: 1000 });
    s.push(Buffer.from(`${L.QUERY_1_6_3}\n`));
    for (let i = 0; i < 100; i++) s.push(Buffer.alloc(10_000, 0x41));
    s.push(Buffer.from(`\n\u0000\u0001\u0002garbage\n${L.QUERY_SERVFAIL}\n`));
    const r = s.end();
    expect(r).toMatchObject({ lines: 4, queries: 2, overlong: 1, binary: 1 });
  });

  it('survives random bytes', () => {
    let x = 7;
    const junk = Buffer.alloc(200_000);
    for (let i = 0; i < junk.length; i++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      junk[i] = x & 0xff;
    }
    const s = summarize(junk, 4096);
    expect(s.lines).toBeGreaterThan(0);
    expect(s.queries).toBe(0);
  });

  it('stays bounded with many distinct failing names, and estimates their number', () => {
    const s = new LogSummarizer();
    for (let i = 0; i < 50_000; i++) {
      s.push(Buffer.from(`${L.QUERY_SERVFAIL.replace('api.example.net.', `h${i}.example.net.`)}\n`));
    }
    const r = s.end();
    expect(r.failedNames.length).toBeLessThanOrEqual(100);
    expect(r.distinctFailedNames).toBeGreaterThan(47_000);
    expect(r.distinctFailedNames).toBeLessThan(53_000);
  });

  it('keeps the first and the latest events of a kind, counting the rest', () => {
    const lines = Array.from({ length: 30 }, (_, i) => (i === 29 ? L.RELOAD_OK : L.RELOAD_FAILED));
    const r = summarize(lines.join('\n'));
    const failed = r.events.filter((e) => e.kind === 'reload-failed');
    expect(failed.length).toBe(11);
    expect(failed.at(-1)?.lineNo).toBe(29);
    expect(r.eventsDropped).toBe(18);
  });

  it('makes untrusted text safe to quote', () => {
    const r = summarize(`${L.QUERY_SERVFAIL.replace('api.example.net.', 'x\u001b[31m.example.net.')}\n`);
    expect(r.failedNames[0]?.sample).not.toContain('\u001b');
  });
});

describe('mergePartials', () => {
  const at = (t: string, line: string) => `2026-11-26T09:${t}Z ${line}`;
  function part(lines: string[], source: string) {
    const s = new LogSummarizer({ source });
    s.push(Buffer.from(`${lines.join('\n')}\n`));
    return s.partial();
  }

  it('keeps each pod log its own line numbers and takes the latest time of any', () => {
    const a = part(
      [at('00:00', L.QUERY_1_6_3), at('05:00', L.QUERY_SERVFAIL), at('05:01', L.RELOAD_FAILED)],
      'pod-a',
    );
    const b = part([at('01:00', L.LOOP), at('09:00', L.QUERY_SERVFAIL)], 'pod-b');
    const merged = mergePartials([b, a], { separateLogs: true });
    expect(merged.lastTime).toBe('2026-11-26T09:09:00Z');
    expect(merged.firstTime).toBe('2026-11-26T09:00:00Z');
    expect(merged.failedNames[0]).toMatchObject({
      name: 'api.example.net.',
      count: 2,
      lastSeen: '2026-11-26T09:09:00Z',
      firstSeen: '2026-11-26T09:05:00Z',
    });
    expect(merged.events.map((e) => [e.kind, e.lineNo, e.source])).toEqual([
      ['loop', 1, 'pod-b'],
      ['reload-failed', 3, 'pod-a'],
    ]);
  });

  it('numbers consecutive parts of one log as one', () => {
    const a = part([L.QUERY_1_6_3, L.QUERY_1_6_3], 'x');
    const b = part([L.RELOAD_FAILED], 'x');
    expect(mergePartials([a, b]).events[0]?.lineNo).toBe(3);
  });
});
