/**
 * Reads a CoreDNS log file into a summary, on several threads when the file is big: the file is
 * cut at line boundaries into one range per core, the first range summarised on this thread and
 * each other one by a worker thread, and the partial summaries merged in order. Small files and
 * pipes are read on this thread.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import {
  LogSummarizer,
  mergePartials,
  type PartialSummary,
  type SummarizerOptions,
} from '../playbooks/logs/summarizer.js';
import type { LogSummary } from '../playbooks/logs/summary-types.js';

/** Below this, starting threads costs more than it saves. */
const PARALLEL_MIN_BYTES = 32 << 20;
/**
 * Chunks, and the string each is decoded to, stay below V8's large-object size (they die young and
 * cheaply) and in the CPU's caches: measured faster than 512 KB or 1 MB chunks.
 */
const CHUNK = 96 << 10;

export interface RangeJob {
  path: string;
  start: number;
  end: number;
  options: SummarizerOptions;
}

/** Summarises bytes [start, end) of a file; the range must begin at a line start. */
export function summarizeRange(job: RangeJob): PartialSummary {
  const summarizer = new LogSummarizer(job.options);
  const fd = openSync(job.path, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    for (let pos = job.start; pos < job.end; ) {
      const n = readSync(fd, buf, 0, Math.min(CHUNK, job.end - pos), pos);
      if (n === 0) break;
      summarizer.push(buf.subarray(0, n));
      pos += n;
    }
  } finally {
    closeSync(fd);
  }
  return summarizer.partial();
}

/** The first line start at or after `offset` (the byte after a newline), or `size`. */
function lineStartAfter(fd: number, offset: number, size: number): number {
  const buf = Buffer.allocUnsafe(64 << 10);
  for (let pos = offset - 1; pos < size; pos += buf.length) {
    const n = readSync(fd, buf, 0, buf.length, pos);
    if (n === 0) break;
    const nl = buf.subarray(0, n).indexOf(10);
    if (nl >= 0) return pos + nl + 1;
  }
  return size;
}

/** Byte ranges, one per part, each starting at a line start. */
export function splitAtLines(path: string, size: number, parts: number): [number, number][] {
  const fd = openSync(path, 'r');
  try {
    const starts = [0];
    for (let i = 1; i < parts; i++) {
      const s = lineStartAfter(fd, Math.floor((size * i) / parts), size);
      if (s > (starts.at(-1) ?? 0) && s < size) starts.push(s);
    }
    return starts.map((s, i) => [s, starts[i + 1] ?? size]);
  } finally {
    closeSync(fd);
  }
}

function runWorker(job: RangeJob): Promise<PartialSummary> {
  return new Promise((resolve, reject) => {
    // Small heaps keep the whole process bounded (a thread that outgrows them fails, loudly) and
    // make the chunk strings die young: measured faster than the default heap sizes here.
    const resourceLimits = {
      maxYoungGenerationSizeMb: 16,
      maxOldGenerationSizeMb: 64,
    };
    const worker = new Worker(new URL('./log-worker.js', import.meta.url), {
      workerData: job,
      resourceLimits,
    });
    worker.once('message', (p: PartialSummary) => resolve(p));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`log reader thread exited with code ${code}`));
    });
  });
}

export async function summarizeFile(
  path: string,
  size: number,
  options: SummarizerOptions,
  /** Work to let finish (module loading) while the reading threads start, before this one reads. */
  meanwhile: Promise<unknown> = Promise.resolve(),
): Promise<LogSummary> {
  const threads = Math.min(availableParallelism(), 4);
  if (size < PARALLEL_MIN_BYTES || threads < 2)
    return mergePartials([summarizeRange({ path, start: 0, end: size, options })]);
  const [[start, end] = [0, size], ...rest] = splitAtLines(path, size, threads);
  // This thread reads the first part itself while the others start (a thread takes ~40 ms to).
  const others = Promise.all(rest.map(([s, e]) => runWorker({ path, start: s, end: e, options })));
  // If reading here throws, that is the error to report; a later one from a thread is not news.
  others.catch(() => {});
  await meanwhile.catch(() => {});
  const first = summarizeRange({ path, start, end, options });
  return mergePartials([first, ...(await others)]);
}

export async function summarizeStream(input: Readable, options: SummarizerOptions): Promise<LogSummary> {
  const summarizer = new LogSummarizer(options);
  for await (const chunk of input)
    summarizer.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return summarizer.end();
}
