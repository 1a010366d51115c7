/**
 * `dnsmedic logs [file|-]`: streams a CoreDNS log through the summariser (bounded memory, any
 * size), then runs the log-based checks of the playbook on what it found (logs-report.ts, loaded
 * only then: bad input is reported without loading the checks).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { SummarizerOptions } from '../../playbooks/logs/summarizer.js';
import type { LogSummary } from '../../playbooks/logs/summary-types.js';
import type { Command } from '../grammar.js';
import { EXIT, type Io, UsageError } from '../io.js';
import { summarizeFile, summarizeStream } from '../log-reader.js';

type LogsCommand = Extract<Command, { kind: 'logs' }>;

type Input = { kind: 'file'; path: string } | { kind: 'stream'; stream: Readable };

async function openInput(file: string, io: Io): Promise<Input> {
  if (file === '-') {
    if (io.stdin.isTTY)
      throw new UsageError('logs: standard input is a terminal; pipe a log in, or give a file');
    return { kind: 'stream', stream: io.stdin };
  }
  const info = await stat(file).catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`logs: cannot read ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.code}`);
  });
  if (info.isDirectory()) throw new UsageError(`logs: ${file} is a directory, not a log file`);
  // FIFOs and devices (`<(kubectl logs ...)`) are read as streams; regular files straight into the scanner.
  return info.isFile() ? { kind: 'file', path: file } : { kind: 'stream', stream: createReadStream(file) };
}

async function summarize(input: Input, options: SummarizerOptions): Promise<LogSummary> {
  return input.kind === 'file' ? summarizeFile(input.path, options) : summarizeStream(input.stream, options);
}

export async function logs(command: LogsCommand, io: Io): Promise<number> {
  const input = await openInput(command.file, io);
  const name = command.file === '-' ? 'standard input' : command.file;
  const options = command.clusterDomain ? { clusterDomain: command.clusterDomain } : {};
  const summary = await summarize(input, options).catch((err: NodeJS.ErrnoException) => {
    if (err.code?.startsWith('Z_'))
      throw new UsageError(`logs: ${name} looks gzip-compressed but does not decompress (${err.message})`);
    throw err.code ? new UsageError(`logs: cannot read ${command.file}: ${err.code}`) : err;
  });
  if (summary.lines === 0) throw new UsageError(`logs: ${name} is empty`);
  if (summary.recognised === 0) {
    const { lines, unknown, overlong, binary } = summary;
    throw new UsageError(
      `logs: nothing in ${name} looks like a CoreDNS log (${lines} lines: ${unknown} unrecognised, ${overlong} overlong, ${binary} binary)`,
    );
  }
  const { renderLogs } = await import('./logs-report.js');
  const { text, fault } = renderLogs(summary, command.output, io.config.colour, new Date());
  io.stdout.write(text);
  return fault ? EXIT.fault : EXIT.ok;
}
