/**
 * A small benchmark harness: named benchmarks, each measured several times, reported as the
 * median with the spread, and as a ratio against a baseline measured in the same run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Row {
  benchmark: string;
  case: string;
  median: string;
  spread: string;
  /** This case against the benchmark's baseline (time ratio: lower is better for us). */
  ratio: string;
  notes: string;
}

export interface Benchmark {
  name: string;
  run(): Promise<Row[]>;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

export interface ProcessRun {
  ms: number;
  /** Peak resident memory in KB (GNU time), or undefined when /usr/bin/time is missing. */
  peakKb: number | undefined;
  status: number | null;
  stdout: string;
}

const TIME = '/usr/bin/time';

/** Runs a whole process once, timing it from spawn to exit, with its peak memory when measurable. */
export function runProcess(cmd: string, args: string[], input?: string): ProcessRun {
  const rusage = join(tmpdir(), `dnsmedic-bench-${process.pid}.time`);
  const useTime = existsSync(TIME);
  const [file, argv] = useTime ? [TIME, ['-f', '%M', '-o', rusage, cmd, ...args]] : [cmd, args];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(file, argv, { input, maxBuffer: 64 << 20, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  let peakKb: number | undefined;
  if (useTime && existsSync(rusage)) {
    peakKb = Number(readFileSync(rusage, 'utf8').trim().split('\n').pop());
    rmSync(rusage, { force: true });
  }
  return { ms, peakKb, status: r.status, stdout: r.stdout };
}

/** Runs `n` times and returns every run (the first one included: caches are warm by then anyway). */
export function repeat(n: number, f: () => ProcessRun): ProcessRun[] {
  return Array.from({ length: n }, f);
}

export function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

export function spread(xs: number[]): string {
  return `${fmtMs(Math.min(...xs))}..${fmtMs(Math.max(...xs))}`;
}

export function printTable(rows: Row[]): void {
  const cols: (keyof Row)[] = ['benchmark', 'case', 'median', 'spread', 'ratio', 'notes'];
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(width[i] ?? 0)).join('  ');
  console.log(line(cols));
  console.log(line(width.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(cols.map((c) => r[c])));
}
