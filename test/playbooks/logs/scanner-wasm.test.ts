import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as host from '../../../playbooks/logs/scanner.js';
import { SCANNER_WASM } from '../../../playbooks/logs/scanner-wasm.js';
import { LogSummarizer } from '../../../playbooks/logs/summarizer.js';
import * as L from './samples.js';

const BUILD = fileURLToPath(new URL('../../../playbooks/logs/assembly/build.mjs', import.meta.url));

describe('the log scanner module', () => {
  it('is what assembly/scanner.ts compiles to (no stale or hand-edited WebAssembly)', async () => {
    const run = promisify(execFile)(process.execPath, [BUILD, '--check']);
    await expect(run).resolves.toMatchObject({ stderr: '' });
  }, 60_000);
});

describe('the layout the scanner and its host share', () => {
  const module = new WebAssembly.Module(Buffer.from(SCANNER_WASM, 'base64'));
  const exports = new WebAssembly.Instance(module, {
    env: { memory: new WebAssembly.Memory({ initial: 1 }) },
  }).exports;
  const wasm = (name: string) => (exports[name] as WebAssembly.Global).value;

  it('has the same record fields, counter slots and bits on both sides', () => {
    const fields: Record<keyof typeof host.R, string> = {
      kind: 'R_KIND',
      line: 'R_LINE',
      start: 'R_START',
      end: 'R_END',
      atStart: 'R_AT_START',
      atEnd: 'R_AT_END',
      nameStart: 'R_NAME_START',
      nameEnd: 'R_NAME_END',
      row: 'R_ROW',
      nameClass: 'R_CLASS',
      bits: 'R_BITS',
      pendingOk: 'R_PENDING_OK',
      pendingFailed: 'R_PENDING_FAILED',
    };
    for (const [field, name] of Object.entries(fields))
      expect([field, host.R[field as keyof typeof host.R]]).toEqual([field, wasm(name)]);
    expect(host.C).toEqual({
      queries: wasm('QUERIES'),
      truncated: wasm('TRUNCATED'),
      overlong: wasm('OVERLONG'),
      binary: wasm('BINARY'),
      pending: wasm('PENDING'),
    });
    expect([host.KIND_OTHER, host.BIT_TRACKED, host.BIT_NEW_MINUTE, host.BIT_AUTHORITATIVE]).toEqual(
      ['KIND_OTHER', 'BIT_TRACKED', 'BIT_NEW_MINUTE', 'BIT_AUTHORITATIVE'].map(wasm),
    );
  });

  it('has the same table sizes, and pads more than the scanner reads past a line', () => {
    expect([host.SET_TABLE, host.SET_SIZE, host.SUFFIXES_SIZE, host.COUNT_SLOTS]).toEqual(
      ['SET_TABLE', 'SET_SIZE', 'SUFFIXES_SIZE', 'COUNT_SLOTS'].map(wasm),
    );
    expect(host.PADDING).toBeGreaterThan(wasm('MAX_OVERREAD') as number);
  });
});

describe('the log scanner on hostile bytes', () => {
  /** Bytes that steer the scanner's branches: separators, prefixes, digits, CR, NUL, high bytes. */
  const PIECES = [
    ' ',
    '"',
    '[',
    ']',
    '-',
    '\r',
    '\0',
    '\n',
    '.',
    ':',
    '/',
    'T',
    'Z',
    '5',
    '\u00ff',
    '\u0080',
    '[INFO] ',
    '[pod/p/c] ',
    '2026-11-26T09:00:00.1Z ',
    '[26/Nov/2026:09:00:00 +0000] ',
    ' - ',
    ' "A IN ',
    'x.svc.cluster.local.',
    ' udp 49 false 512" ',
    'NXDOMAIN',
    'SERVFAIL',
    ' qr,aa,tc,rd ',
    '- ',
  ];

  const LINES = [
    L.QUERY_SERVFAIL,
    L.QUERY_TIMEOUT,
    L.QUERY_1_6_3,
    L.QUERY_1_5,
    L.QUERY_1_2_5,
    L.QUERY_EXPANSION,
    L.ERR_UPSTREAM_TIMEOUT,
    L.RELOAD_FAILED,
    L.KLOG_REFUSED,
    `2026-11-26T09:14:13.615245528Z ${L.QUERY_SERVFAIL}`,
    `[pod/coredns-x/coredns] 2026-11-26T09:14:13.6Z ${L.QUERY_1_5}`,
  ];

  it('reads random logs without failing, counts every line, and cuts anywhere', () => {
    let x = 12345;
    const seen = { queries: 0, failing: 0, binary: 0 };
    const rand = (n: number) => {
      // An LCG's low bits repeat with short periods: scale the whole state instead.
      x = (Math.imul(x, 1103515245) + 12345) & 0x7fffffff;
      return Math.floor((x / 0x80000000) * n);
    };
    for (let round = 0; round < 150; round++) {
      // Real lines of every era, each maybe with a random piece put in or a stretch cut out, and
      // runs of random pieces.
      const parts: string[] = [];
      for (let i = 0, n = 20 + rand(200); i < n; i++) {
        let line = LINES[rand(LINES.length)] ?? '';
        const at = rand(line.length + 1);
        const change = rand(3);
        if (change === 0) line = line.slice(0, at) + (PIECES[rand(PIECES.length)] ?? '') + line.slice(at);
        else if (change === 1) line = line.slice(0, at) + line.slice(at + 1 + rand(8));
        parts.push(line, '\n');
        for (let k = rand(4); k > 0; k--) parts.push(PIECES[rand(PIECES.length)] ?? '');
      }
      const log = Buffer.from(parts.join(''), 'latin1');
      const options = { maxLineBytes: [16, 200, 65536][rand(3)] };
      const whole = new LogSummarizer(options);
      whole.push(log);
      const cut = new LogSummarizer(options);
      for (let at = 0; at < log.length; ) {
        const n = 1 + rand(400);
        cut.push(log.subarray(at, at + n));
        at += n;
      }
      const a = whole.end();
      const newlines = log.filter((b) => b === 10).length;
      expect(a.lines).toBe(newlines + (log.at(-1) === 10 || log.length === 0 ? 0 : 1));
      expect(a.queries + a.unknown + a.overlong + a.binary).toBeLessThanOrEqual(a.lines);
      expect(cut.end()).toEqual(a);
      seen.queries += a.queries;
      seen.failing += a.failedNames.length;
      seen.binary += a.binary;
    }
    // The random logs reach the query path, the failure path and the binary path, not only "unknown".
    expect(seen.queries).toBeGreaterThan(0);
    expect(seen.failing).toBeGreaterThan(0);
    expect(seen.binary).toBeGreaterThan(0);
  });
});
