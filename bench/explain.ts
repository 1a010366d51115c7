/** `dnsmedic explain` as a whole process, startup included, against bare `node -e 0`. */
import { fileURLToPath } from 'node:url';
import { type Benchmark, fmtMs, median, repeat, runProcess, spread } from './harness.js';

const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const RUNS = 11;
const MESSAGE =
  'dial tcp: lookup api.example.net on 10.96.0.10:53: read udp 10.244.1.15:42922->10.96.0.10:53: i/o timeout';

export const explainBenchmark: Benchmark = {
  name: 'explain',
  async run() {
    const bare = repeat(RUNS, () => runProcess(process.execPath, ['-e', '0'])).map((r) => r.ms);
    const runs = repeat(RUNS, () => runProcess(process.execPath, [CLI, 'explain', MESSAGE]));
    if (runs.some((r) => r.status !== 0)) throw new Error('dnsmedic explain failed');
    const ms = runs.map((r) => r.ms);
    return [
      {
        benchmark: 'explain',
        case: 'baseline: node -e 0',
        median: fmtMs(median(bare)),
        spread: spread(bare),
        ratio: '1.0x',
        notes: '',
      },
      {
        benchmark: 'explain',
        case: 'dnsmedic explain "<Go timeout>"',
        median: fmtMs(median(ms)),
        spread: spread(ms),
        ratio: `${(median(ms) / median(bare)).toFixed(2)}x node`,
        notes: `target < 150 ms; peak ${(Math.max(...runs.map((r) => r.peakKb ?? 0)) / 1024).toFixed(0)} MB`,
      },
    ];
  },
};
