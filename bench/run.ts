/**
 * `npm run bench [name...]`: runs the named benchmarks (all by default) and prints one table.
 * Benchmarks are measurements, not tests: they print numbers and never fail on a threshold.
 */
import { diagnoseBenchmark } from './diagnose.js';
import { explainBenchmark } from './explain.js';
import { type Benchmark, printTable, type Row } from './harness.js';
import { logsBenchmark } from './logs.js';
import { probePlanBenchmark } from './probe-plan.js';
import { proberThroughputBenchmark } from './prober-throughput.js';

const ALL: Benchmark[] = [
  explainBenchmark,
  logsBenchmark,
  diagnoseBenchmark,
  probePlanBenchmark,
  proberThroughputBenchmark,
];

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !ALL.some((b) => b.name === w));
if (unknown.length > 0) {
  console.error(`unknown benchmark: ${unknown.join(', ')}; known: ${ALL.map((b) => b.name).join(', ')}`);
  process.exit(2);
}
const rows: Row[] = [];
for (const b of ALL.filter((x) => wanted.length === 0 || wanted.includes(x.name))) {
  console.error(`running ${b.name}...`);
  rows.push(...(await b.run()));
}
printTable(rows);
