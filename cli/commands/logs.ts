/**
 * `dnsmedic logs [file|-]`: streams a CoreDNS log through the summariser (bounded memory, any
 * size), then runs the log-based checks of the playbook on what it found.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { isFaultVerdict } from '../../playbooks/catalog.js';
import { CHECKS } from '../../playbooks/checks/index.js';
import type { SummarizerOptions } from '../../playbooks/logs/summarizer.js';
import type { LogSummary } from '../../playbooks/logs/summary-types.js';
import { seen } from '../../playbooks/model/gathered.js';
import { runPlaybook } from '../../playbooks/playbook/run.js';
import { renderLogsMarkdown, renderLogsText } from '../../playbooks/report/logs-text.js';
import type { Report } from '../../playbooks/report/types.js';
import type { Command } from '../grammar.js';
import { EXIT, type Io, UsageError } from '../io.js';
import { summarizeFile, summarizeStream } from '../log-reader.js';

type LogsCommand = Extract<Command, { kind: 'logs' }>;

type Input = { kind: 'file'; path: string; size: number } | { kind: 'stream'; stream: Readable };

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
  // FIFOs and devices (`<(kubectl logs ...)`) are read as streams; only regular files are split.
  return info.isFile()
    ? { kind: 'file', path: file, size: info.size }
    : { kind: 'stream', stream: createReadStream(file) };
}

function summarize(input: Input, options: SummarizerOptions): Promise<LogSummary> {
  return input.kind === 'file'
    ? summarizeFile(input.path, input.size, options)
    : summarizeStream(input.stream, options);
}

/**
 * The log is the observation: "recent" means near its last line, not near the moment someone
 * runs the command on a saved file. Without times in the log, now is all there is.
 */
function observedAt(summary: LogSummary, now: Date): string {
  const last = summary.lastTime ? new Date(summary.lastTime) : undefined;
  return last && !Number.isNaN(last.getTime()) ? last.toISOString() : now.toISOString();
}

export function logsReport(summary: LogSummary, now: Date): Report {
  const evidence = { target: {}, observedAt: observedAt(summary, now), corednsLogs: seen(summary) };
  const cluster = summary.version
    ? { corednsVersion: summary.version, clusterDomain: summary.clusterDomain }
    : { clusterDomain: summary.clusterDomain };
  return runPlaybook(evidence, { checks: CHECKS, cluster });
}

export async function logs(command: LogsCommand, io: Io): Promise<number> {
  const input = await openInput(command.file, io);
  const options = command.clusterDomain ? { clusterDomain: command.clusterDomain } : {};
  const summary = await summarize(input, options).catch((err: NodeJS.ErrnoException) => {
    throw err.code ? new UsageError(`logs: cannot read ${command.file}: ${err.code}`) : err;
  });
  const name = command.file === '-' ? 'standard input' : command.file;
  if (summary.lines === 0) throw new UsageError(`logs: ${name} is empty`);
  if (summary.recognised === 0) {
    const { lines, unknown, overlong, binary } = summary;
    throw new UsageError(
      `logs: nothing in ${name} looks like a CoreDNS log (${lines} lines: ${unknown} unrecognised, ${overlong} overlong, ${binary} binary)`,
    );
  }
  const report = logsReport(summary, new Date());
  if (command.output === 'json') io.stdout.write(`${JSON.stringify({ summary, report }, null, 2)}\n`);
  else if (command.output === 'markdown') io.stdout.write(renderLogsMarkdown(summary, report));
  else io.stdout.write(renderLogsText(summary, report, { colour: io.config.colour }));
  return isFaultVerdict(report.verdict.checkId) ? EXIT.fault : EXIT.ok;
}
