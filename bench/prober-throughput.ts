/**
 * Issue 4's throughput point: the prober's batch path (workers/probe/batch.ts) from one process
 * against unbound on loopback with 64 queries outstanding, next to `dnsperf -c 1 -q 64` against
 * the same server in the same run. Target: at least a third of dnsperf's queries/s.
 * Each tool runs RUNS times for SECONDS (env PROBE_THROUGHPUT_RUNS, PROBE_THROUGHPUT_SECONDS; 3 and
 * 5 by default), alternating, so load from other processes hits both alike.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningUnbound, startUnbound } from '../test/real/unbound.js';
import { runBatch } from '../workers/probe/batch.js';
import { mapDialer } from '../workers/probe/dialer.js';
import type { Question } from '../workers/probe/wire.js';
import { type Benchmark, median, type Row } from './harness.js';

const OUTSTANDING = 64;
const SECONDS = Number(process.env['PROBE_THROUGHPUT_SECONDS'] ?? 5);
const RUNS = Number(process.env['PROBE_THROUGHPUT_RUNS'] ?? 3);
const TARGET = 1 / 3;
const NAME = 'probe-throughput';
const DNSPERF_HINT = 'dnsperf is not installed: apt-get install -y dnsperf';
const UNBOUND_HINT = 'unbound is not installed: apt-get install -y unbound';

/** Names unbound answers from its own local data: no forwarding, no cache misses to measure. */
const QUESTIONS: Question[] = Array.from({ length: 16 }, (_, i) => ({ name: `h${i}.bench.test`, type: 'A' }));
const ZONE = [
  '  local-zone: "bench.test." static',
  ...QUESTIONS.map((q, i) => `  local-data: "${q.name}. 300 IN A 10.0.0.${i + 1}"`),
];

export const proberThroughputBenchmark: Benchmark = {
  name: NAME,
  async run() {
    let unbound: RunningUnbound;
    try {
      unbound = await startUnbound(ZONE);
    } catch (err) {
      const note = String(err).includes('not installed') ? UNBOUND_HINT : String(err).split('\n')[0]!;
      return [skipped('dnsperf', note), skipped('prober', note)];
    }
    const dir = mkdtempSync(join(tmpdir(), 'dnsmedic-dnsperf-'));
    try {
      const queryFile = join(dir, 'queries.txt');
      writeFileSync(queryFile, QUESTIONS.map((q) => `${q.name} ${q.type}\n`).join(''));
      // The same address map the simulator uses: the batch goes through a dialer like any probe.
      const server = { host: '10.96.0.10', port: 53 };
      const dialer = mapDialer({ resolve: () => ({ host: unbound.host, port: unbound.port }) });
      const prober = async (seconds: number) => {
        const cpu = process.cpuUsage();
        const r = await runBatch(dialer, server, {
          questions: QUESTIONS,
          outstanding: OUTSTANDING,
          timeoutMs: 1000,
          // dnsperf sends no EDNS unless -e: the same 30-byte queries for both.
          edns: false,
          durationMs: seconds * 1000,
        });
        const used = process.cpuUsage(cpu);
        // CPU per answer (user + system, our process only): steadier than queries/s on a busy machine.
        const cpuUs = (used.user + used.system) / Math.max(1, r.answered);
        return { qps: (r.answered * 1000) / r.elapsedMs, lost: r.sent - r.answered, cpuUs };
      };
      const perf = (seconds: number) => dnsperf(unbound, queryFile, seconds);

      // Warm-up: unbound's caches, our JIT, and whether dnsperf exists at all.
      await prober(1);
      const warm = await perf(1);
      const ours: Sample[] = [];
      const theirs: Sample[] = [];
      for (let i = 0; i < RUNS; i++) {
        if (typeof warm !== 'string') theirs.push((await perf(SECONDS)) as Sample);
        ours.push(await prober(SECONDS));
      }
      const oursRow = row('prober (batch.ts)', ours);
      if (typeof warm === 'string') return [skipped('dnsperf', warm), oursRow];
      const ratio = median(ours.map((s) => s.qps)) / median(theirs.map((s) => s.qps));
      oursRow.ratio = ratio.toFixed(2);
      oursRow.notes += `; prober/dnsperf, target >= ${TARGET.toFixed(2)}: ${ratio >= TARGET ? 'met' : 'NOT met'}`;
      return [row('dnsperf -c 1 -q 64', theirs), oursRow];
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await unbound.stop();
    }
  },
};

interface Sample {
  qps: number;
  lost: number;
  cpuUs?: number;
}

function row(name: string, samples: Sample[]): Row {
  const qps = samples.map((s) => s.qps);
  const lost = samples.reduce((n, s) => n + s.lost, 0);
  const cpu = samples.flatMap((s) => (s.cpuUs === undefined ? [] : [s.cpuUs]));
  return {
    benchmark: NAME,
    case: `${name}, ${OUTSTANDING} outstanding, unbound on loopback`,
    median: `${fmtQps(median(qps))}/s`,
    spread: `${fmtQps(Math.min(...qps))}..${fmtQps(Math.max(...qps))}`,
    ratio: '',
    notes: `${RUNS} x ${SECONDS} s; ${lost} lost${cpu.length > 0 ? `; ${median(cpu).toFixed(1)} us CPU/answer` : ''}`,
  };
}

function skipped(name: string, why: string): Row {
  return { benchmark: NAME, case: name, median: '-', spread: '-', ratio: '', notes: `skipped: ${why}` };
}

function fmtQps(qps: number): string {
  return `${(qps / 1000).toFixed(1)}k`;
}

/** One dnsperf run: its "Queries per second" line, or why it could not run (a string). */
function dnsperf(server: RunningUnbound, queryFile: string, seconds: number): Promise<Sample | string> {
  const args = ['-s', server.host, '-p', String(server.port), '-c', '1', '-q', String(OUTSTANDING)];
  args.push('-l', String(seconds), '-d', queryFile);
  return new Promise((resolve) => {
    execFile('dnsperf', args, (err, stdout, stderr) => {
      if ((err as NodeJS.ErrnoException | null)?.code === 'ENOENT') return resolve(DNSPERF_HINT);
      const qps = /Queries per second:\s+([\d.]+)/.exec(stdout);
      const lost = /Queries lost:\s+(\d+)/.exec(stdout);
      if (qps === null) return resolve(`dnsperf printed no rate: ${(stderr || stdout).trim().slice(0, 200)}`);
      resolve({ qps: Number(qps[1]), lost: Number(lost?.[1] ?? 0) });
    });
  });
}
