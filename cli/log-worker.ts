/** A log-reading thread: summarises its byte range of the file and posts the partial back. */
import { parentPort, workerData } from 'node:worker_threads';
import { type RangeJob, summarizeRange } from './log-reader.js';

const partial = summarizeRange(workerData as RangeJob);
parentPort?.postMessage(partial, [partial.registers.buffer as ArrayBuffer]);
