/**
 * `dnsmedic logs` as a whole process on a generated 1,000,000-line log (every format era, with
 * and without --timestamps, >= 100,000 distinct names), against `grep -cE` on the same file.
 * Also the same line count with 1,000,000 distinct names and every external name failing, for the
 * memory bound (the failing-name table and its distinct count see hundreds of thousands of names).
 */
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCorednsLog } from './gen-coredns-log.js';
import { type Benchmark, fmtMs, median, type Row, repeat, runProcess, spread } from './harness.js';

const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const LINES = 1_000_000;
const RUNS = 5;

async function logFile(distinct: number, failingExternal = false): Promise<string> {
  const dir = join(tmpdir(), 'dnsmedic-bench');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `coredns-${LINES}-lines-${distinct}-names${failingExternal ? '-failing' : ''}.log`);
  if (!existsSync(path)) await generateCorednsLog(path, LINES, distinct, failingExternal);
  return path;
}

/** The first lines of `path`, as a file of their own. */
function headFile(path: string, lines: number): string {
  const buf = Buffer.alloc(64 << 10);
  const fd = openSync(path, 'r');
  const n = readSync(fd, buf, 0, buf.length, 0);
  closeSync(fd);
  let end = 0;
  for (let i = 0; i < lines; i++) end = buf.indexOf(10, end) + 1;
  const head = path.replace(/\.log$/, `-head-${lines}.log`);
  writeFileSync(head, buf.subarray(0, Math.min(end, n)));
  return head;
}

/** The same process on a few lines: its fixed cost (start, imports, report), part of every run. */
function startupRow(path: string): Row {
  const head = headFile(path, 10);
  const runs = repeat(RUNS, () => runProcess(process.execPath, [CLI, 'logs', head, '--output', 'json']));
  return {
    benchmark: 'logs',
    case: 'dnsmedic logs, 10 lines (startup)',
    median: fmtMs(median(runs.map((r) => r.ms))),
    spread: spread(runs.map((r) => r.ms)),
    ratio: '',
    // An environment can make every node start slower: NODE_EXTRA_CA_CERTS (a CA bundle parsed at
    // each start, ~80 ms for a system bundle) is set in some sandboxes and corporate shells.
    notes: `process start, imports, checks and report: the fixed part of every run${process.env.NODE_EXTRA_CA_CERTS ? '; includes parsing NODE_EXTRA_CA_CERTS at start' : ''}`,
  };
}

function dnsmedicRows(label: string, path: string, grepMs: number | undefined): Row {
  const runs = repeat(RUNS, () => runProcess(process.execPath, [CLI, 'logs', path, '--output', 'json']));
  const bad = runs.find((r) => r.status !== 0 && r.status !== 1);
  if (bad) throw new Error(`dnsmedic logs exited ${bad.status}`);
  const ms = median(runs.map((r) => r.ms));
  const summary = JSON.parse(runs[0]?.stdout ?? '{}').summary as {
    lines: number;
    distinctFailedNames: number;
  };
  const peak = Math.max(...runs.map((r) => r.peakKb ?? 0));
  return {
    benchmark: 'logs',
    case: label,
    median: fmtMs(ms),
    spread: spread(runs.map((r) => r.ms)),
    ratio: grepMs ? `${(ms / grepMs).toFixed(1)}x grep` : '',
    notes: `${(((summary.lines / ms) * 1000) / 1e6).toFixed(2)}M lines/s, peak ${peak ? `${(peak / 1024).toFixed(0)} MB` : 'n/a (install GNU time)'}, ~${summary.distinctFailedNames} distinct failing names, ${(statSync(path).size / 1e6).toFixed(0)} MB`,
  };
}

export const logsBenchmark: Benchmark = {
  name: 'logs',
  async run() {
    const path = await logFile(120_000);
    const grep = repeat(RUNS, () => runProcess('grep', ['-cE', 'NXDOMAIN|SERVFAIL|REFUSED', path]));
    const grepMs = median(grep.map((r) => r.ms));
    const rows: Row[] = [
      {
        benchmark: 'logs',
        case: 'baseline: grep -cE',
        median: fmtMs(grepMs),
        spread: spread(grep.map((r) => r.ms)),
        ratio: '1.0x',
        notes: `${(((LINES / grepMs) * 1000) / 1e6).toFixed(1)}M lines/s`,
      },
      startupRow(path),
      dnsmedicRows('dnsmedic logs, 120k names', path, grepMs),
      dnsmedicRows('dnsmedic logs, 1M names, 30% failing', await logFile(1_000_000, true), grepMs),
    ];
    return rows;
  },
};
