/**
 * `dnsmedic logs [file|-]`: streams a CoreDNS log through the summariser (bounded memory, any
 * size), then runs the log-based checks of the playbook on what it found.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { isFaultVerdict } from '../../playbooks/catalog.js';
import { CHECKS } from '../../playbooks/checks/index.js';
import { LogSummarizer } from '../../playbooks/logs/summarizer.js';
import type { LogSummary } from '../../playbooks/logs/summary-types.js';
import { seen } from '../../playbooks/model/gathered.js';
import { runPlaybook } from '../../playbooks/playbook/run.js';
import { renderLogsMarkdown, renderLogsText } from '../../playbooks/report/logs-text.js';
import type { Report } from '../../playbooks/report/types.js';
import type { Command } from '../grammar.js';
import { EXIT, type Io, UsageError } from '../io.js';

type LogsCommand = Extract<Command, { kind: 'logs' }>;

async function openInput(file: string, io: Io): Promise<Readable> {
  if (file === '-') {
    if (io.stdin.isTTY)
      throw new UsageError('logs: standard input is a terminal; pipe a log in, or give a file');
    return io.stdin;
  }
  const info = await stat(file).catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`logs: cannot read ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.code}`);
  });
  if (info.isDirectory()) throw new UsageError(`logs: ${file} is a directory, not a log file`);
  return createReadStream(file, { highWaterMark: 1 << 20 });
}

export async function summarizeStream(
  input: Readable,
  clusterDomain: string | undefined,
): Promise<LogSummary> {
  const summarizer = new LogSummarizer(clusterDomain ? { clusterDomain } : {});
  for await (const chunk of input)
    summarizer.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return summarizer.end();
}

export function logsReport(summary: LogSummary, now: Date): Report {
  const evidence = { target: {}, observedAt: now.toISOString(), corednsLogs: seen(summary) };
  const cluster = summary.version
    ? { corednsVersion: summary.version, clusterDomain: summary.clusterDomain }
    : { clusterDomain: summary.clusterDomain };
  return runPlaybook(evidence, { checks: CHECKS, cluster });
}

export async function logs(command: LogsCommand, io: Io): Promise<number> {
  const input = await openInput(command.file, io);
  const summary = await summarizeStream(input, command.clusterDomain).catch((err: NodeJS.ErrnoException) => {
    throw err.code ? new UsageError(`logs: cannot read ${command.file}: ${err.code}`) : err;
  });
  if (summary.lines === 0)
    throw new UsageError(`logs: ${command.file === '-' ? 'standard input' : command.file} is empty`);
  const report = logsReport(summary, new Date());
  if (command.output === 'json') io.stdout.write(`${JSON.stringify({ summary, report }, null, 2)}\n`);
  else if (command.output === 'markdown') io.stdout.write(renderLogsMarkdown(summary, report));
  else io.stdout.write(renderLogsText(summary, report, { colour: io.config.colour }));
  return isFaultVerdict(report.verdict.checkId) ? EXIT.fault : EXIT.ok;
}
