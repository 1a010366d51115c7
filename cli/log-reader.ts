/**
 * Reads a CoreDNS log into a summary: a file straight into the scanner's memory, a stream
 * (standard input, a FIFO) chunk by chunk, and either gzip-compressed (`coredns.log.gz`,
 * `kubectl logs ... | gzip`), recognised by its magic bytes. One thread: the WebAssembly scanner
 * reads a 1,000,000-line log faster than a second thread would start and load the checks.
 */
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { LogSummarizer, type SummarizerOptions } from '../playbooks/logs/summarizer.js';
import type { LogSummary } from '../playbooks/logs/summary-types.js';

function isGzip(head: Uint8Array): boolean {
  return head[0] === 0x1f && head[1] === 0x8b;
}

export async function summarizeFile(path: string, options: SummarizerOptions): Promise<LogSummary> {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(2);
    if (isGzip(head.subarray(0, readSync(fd, head, 0, 2, 0))))
      return await summarizeStream(createReadStream(path), options);
    const summarizer = new LogSummarizer(options);
    while (summarizer.pushFrom((buf, offset, length) => readSync(fd, buf, offset, length, null))) {}
    return summarizer.end();
  } finally {
    closeSync(fd);
  }
}

/** The stream's bytes, decompressed when they start as gzip does. */
async function* plainBytes(input: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  const chunks = input[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  // Enough bytes to tell (a pipe may deliver one byte first).
  while (head.length < 2) {
    const next = await chunks.next();
    if (next.done) break;
    head = Buffer.concat([head, Buffer.from(next.value)]);
  }
  const rest = (async function* () {
    if (head.length > 0) yield head;
    for (let next = await chunks.next(); !next.done; next = await chunks.next())
      yield Buffer.from(next.value);
  })();
  if (!isGzip(head)) {
    yield* rest;
    return;
  }
  // pipeline, not pipe: a read error of the input (EIO) ends the decompression with that error.
  const gunzip = createGunzip();
  pipeline(Readable.from(rest), gunzip, () => {});
  yield* gunzip;
}

export async function summarizeStream(input: Readable, options: SummarizerOptions): Promise<LogSummary> {
  const summarizer = new LogSummarizer(options);
  for await (const chunk of plainBytes(input)) summarizer.push(chunk);
  return summarizer.end();
}
