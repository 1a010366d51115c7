/** `dnsmedic explain "<message>"` (or the message on standard input). Loads nothing heavy. */
import { classifyClientError } from '../../playbooks/parsers/client-error.js';
import { renderExplainMarkdown, renderExplainText } from '../../playbooks/report/explain.js';
import type { Command } from '../grammar.js';
import { EXIT, type Io, readLimited, UsageError } from '../io.js';

type ExplainCommand = Extract<Command, { kind: 'explain' }>;

/** A pasted stack trace is fine; a log file is not what explain is for. */
const STDIN_LIMIT = 1 << 20;

export async function explain(command: ExplainCommand, io: Io): Promise<number> {
  let message = command.message;
  if (message === undefined || message === '-') {
    if (io.stdin.isTTY)
      throw new UsageError('explain: give the error message in quotes, or pipe it on standard input');
    message = await readLimited(io.stdin, STDIN_LIMIT).catch((err: Error) => {
      throw new UsageError(`explain: ${err.message}`);
    });
  }
  if (message.trim() === '') throw new UsageError('explain: the error message is empty');
  const c = classifyClientError(message);
  if (command.output === 'json') io.stdout.write(`${JSON.stringify(c, null, 2)}\n`);
  else if (command.output === 'markdown') io.stdout.write(renderExplainMarkdown(c));
  else io.stdout.write(renderExplainText(c, { colour: io.config.colour }));
  return EXIT.ok;
}
