import { describe, expect, it } from 'vitest';
import {
  LogSummarizer,
  type PartialSummary,
  type SummarizerOptions,
} from '../../../playbooks/logs/summarizer.js';
import * as L from './samples.js';

/** Everything one summariser saw (`partial()` is its whole output). */
function summarize(buf: Buffer, chunks: number[], options: SummarizerOptions = {}): PartialSummary {
  const s = new LogSummarizer(options);
  let at = 0;
  for (const n of chunks) {
    s.push(buf.subarray(at, at + n));
    at += n;
  }
  s.push(buf.subarray(at));
  return s.partial();
}

/** A deterministic mixed log: every era, --timestamps, failures, events past the cap, CRLF. */
function mixedLog(lines: number): Buffer {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const second = String(i % 60).padStart(2, '0');
    const minute = String(10 + Math.floor(i / 60)).padStart(2, '0');
    const failing = L.QUERY_SERVFAIL.replace('api.example.net.', `h${i % 7}.example.net.`);
    const kinds = [
      `2026-11-26T09:${minute}:${second}.123456789Z ${L.QUERY_1_6_3}`,
      `2026-11-26T09:${minute}:${second}.5Z ${failing}`,
      L.QUERY_1_2_5.replace('15:29:11', `15:${minute}:${second}`).replace('NOERROR', 'NXDOMAIN'),
      L.QUERY_1_2_5.replace('15:29:11', `15:${minute}:${second}`).replace('shop.prod.svc', 'x.example.com'),
      `2026-11-26T09:${minute}:${second}.7Z ${L.QUERY_1_5.replace('NOERROR', 'REFUSED')}`,
      L.QUERY_EXPANSION,
      `${L.QUERY_TIMEOUT}\r`,
      L.RELOAD_FAILED,
      `2026-11-26T09:${minute}:${second}.9Z ${L.ERR_UPSTREAM_TIMEOUT}`,
      'x'.repeat(300),
      'bin\u0000ary',
    ];
    out.push(kinds[(i * 7) % kinds.length] ?? '');
  }
  return Buffer.from(`${out.join('\n')}\n`);
}

describe('LogSummarizer over chunks', () => {
  const log = mixedLog(600);

  it.each([1, 2, 3, 7, 64, 101, 4096])('gives the same summary in chunks of %i bytes', (size) => {
    const whole = summarize(log, []);
    const chunks = Array.from({ length: Math.ceil(log.length / size) }, () => size);
    expect(summarize(log, chunks)).toEqual(whole);
    expect(summarize(log, chunks, { maxLineBytes: 200 })).toEqual(summarize(log, [], { maxLineBytes: 200 }));
  });

  it('gives the same summary in chunks of random sizes', () => {
    let x = 42;
    const chunks = Array.from({ length: 400 }, () => {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      return 1 + (x % 500);
    });
    expect(summarize(log, chunks)).toEqual(summarize(log, []));
  });

  it('quotes the latest event of a kind like the first ones', () => {
    const lines = Array.from({ length: 15 }, (_, i) => `${L.RELOAD_FAILED} #${i}\u001b[2J`);
    const s = new LogSummarizer({ source: 'pod-a' });
    s.push(Buffer.from(lines.join('\n')));
    const events = s.end().events;
    expect(events).toHaveLength(11);
    expect(events.at(-1)).toMatchObject({ kind: 'reload-failed', lineNo: 15, source: 'pod-a' });
    expect(events.at(-1)?.line).toContain('#14?[2J');
  });

  it('converts CLF times per second, and times cut by a chunk boundary', () => {
    const clf = (t: string) => L.QUERY_1_2_5.replace('15:29:11', t).replace('NOERROR', 'SERVFAIL');
    const log = Buffer.from([clf('15:29:11'), clf('15:29:11'), clf('15:30:02'), clf('15:30:02')].join('\n'));
    const whole = summarize(log, []);
    expect(summarize(log, [40, 150, 3])).toEqual(whole);
    const s = new LogSummarizer();
    s.push(log);
    const r = s.end();
    expect(r.failedNames[0]).toMatchObject({
      count: 4,
      firstSeen: '2018-09-07T15:29:11Z',
      lastSeen: '2018-09-07T15:30:02Z',
    });
    expect(r.minutes).toEqual([
      { minute: '2018-09-07T15:29', ok: 0, failed: 2 },
      { minute: '2018-09-07T15:30', ok: 0, failed: 2 },
    ]);
    expect(r.lastTime).toBe('2018-09-07T15:30:02Z');
  });

  it('reads the same through pushFrom, however the reads fall', () => {
    for (const options of [{}, { maxLineBytes: 200 }]) {
      let at = 0;
      let x = 7;
      const s = new LogSummarizer(options);
      const read = (buf: Uint8Array, offset: number, length: number) => {
        x = (x * 1103515245 + 12345) & 0x7fffffff;
        const n = Math.min(length, 1 + (x % 700), log.length - at);
        buf.set(log.subarray(at, at + n), offset);
        at += n;
        return n;
      };
      while (s.pushFrom(read)) {}
      expect(s.partial()).toEqual(summarize(log, [], options));
    }
  });

  it('takes in more lines of its own than one scan can hand over', () => {
    // Every line is left to JavaScript: the scanner hands them over in several batches.
    const lines = Array.from({ length: 10_000 }, (_, i) => `unknown ${i}`);
    const r = summarize(Buffer.from(`${lines.join('\n')}\n${L.RELOAD_FAILED}\n`), []).summary;
    expect(r).toMatchObject({ lines: 10_001, unknown: 10_000, recognised: 1 });
    expect(r.events.at(-1)).toMatchObject({ kind: 'reload-failed', lineNo: 10_001 });
  });

  it('does not let a line with a broken CLF time take its minute from the lines after it', () => {
    const broken = L.QUERY_1_2_5.replace('+0000', '+0\u001b[31m000');
    const r = summarize(Buffer.from([broken, L.QUERY_1_2_5, L.QUERY_1_2_5].join('\n')), []).summary;
    expect(r.minutes).toEqual([{ minute: '2018-09-07T15:29', ok: 2, failed: 0 }]);
    expect(r.queries).toBe(3);
  });

  it('ends at the last time it can read, wherever the log is cut', () => {
    const broken = L.QUERY_1_2_5.replace('+0000', '+0\u001b[31m000');
    const log = Buffer.from(
      `${[`2017-01-01T00:00:00Z ${L.ERR_UPSTREAM_TIMEOUT}`, L.QUERY_1_2_5, broken].join('\n')}\n`,
    );
    const cutAt = log.indexOf(broken);
    expect(summarize(log, []).summary.lastTime).toBe('2018-09-07T15:29:11Z');
    expect(summarize(log, [cutAt]).summary.lastTime).toBe('2018-09-07T15:29:11Z');
  });

  it('reads lines of kubectl logs --prefix like the same lines without it', () => {
    const prefixed = (l: string) => `[pod/coredns-5d78c9869d-x7k2p/coredns] ${l}`;
    const lines = [
      `2026-11-26T09:14:13.6Z ${L.QUERY_SERVFAIL}`,
      L.QUERY_1_6_3,
      L.QUERY_1_2_5,
      `2026-11-26T09:14:48.1Z ${L.ERR_UPSTREAM_TIMEOUT}`,
      L.RELOAD_FAILED,
    ];
    const plain = summarize(Buffer.from(lines.join('\n')), []).summary;
    const withPrefix = summarize(Buffer.from(lines.map(prefixed).join('\n')), []).summary;
    expect(withPrefix.queries).toBe(3);
    expect(withPrefix.unknown).toBe(0);
    // Samples quote the whole line, prefix included (it names the pod); everything else is the same.
    const counts = (r: typeof plain) => ({
      ...r,
      events: r.events.map((e) => e.kind),
      failedNames: r.failedNames.map((f) => [f.name, f.count]),
      upstreamErrors: r.upstreamErrors.map((u) => ({ ...u, sample: '' })),
    });
    expect(counts(withPrefix)).toEqual(counts(plain));
    expect(withPrefix.upstreamErrors[0]?.sample).toContain('[pod/coredns-5d78c9869d-x7k2p/coredns] ');
  });

  it.each([0, -1, 0.5, Number.NaN, 2 ** 31])(
    'refuses maxLineBytes %s (its memory holds one such line)',
    (max) => {
      expect(() => new LogSummarizer({ maxLineBytes: max })).toThrow(RangeError);
    },
  );
});
