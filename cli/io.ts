/** What a command may touch: its streams and settings. Tests drive commands through real processes. */
import type { Readable, Writable } from 'node:stream';
import type { CliConfig } from './config.js';

export interface Io {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable;
  stderr: Writable & { isTTY?: boolean };
  config: CliConfig;
}

/** A problem with the user's input: printed as one line, exit code 2, no stack trace. */
export class UsageError extends Error {}

/** 130: stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const EXIT = { ok: 0, fault: 1, usage: 2, internal: 3, interrupted: 130 } as const;

/** Reads at most `limit` bytes of a stream as UTF-8; more is an error rather than unbounded memory. */
export async function readLimited(stream: Readable, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > limit) throw new UsageError(`input is larger than ${limit} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}
