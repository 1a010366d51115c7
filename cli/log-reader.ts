/**
 * Reads a CoreDNS log into a summary: a file straight into the scanner's memory, a stream
 * (standard input, a FIFO) chunk by chunk. One thread: the WebAssembly scanner reads a
 * 1,000,000-line log faster than a second thread would start and load the checks.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { LogSummarizer, type SummarizerOptions } from '../playbooks/logs/summarizer.js';
import type { LogSummary } from '../playbooks/logs/summary-types.js';

export function summarizeFile(path: string, options: SummarizerOptions): LogSummary {
  const summarizer = new LogSummarizer(options);
  const fd = openSync(path, 'r');
  try {
    while (summarizer.pushFrom((buf, offset, length) => readSync(fd, buf, offset, length, null))) {}
  } finally {
    closeSync(fd);
  }
  return summarizer.end();
}

export async function summarizeStream(input: Readable, options: SummarizerOptions): Promise<LogSummary> {
  const summarizer = new LogSummarizer(options);
  for await (const chunk of input)
    summarizer.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return summarizer.end();
}
