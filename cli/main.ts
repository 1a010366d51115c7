#!/usr/bin/env node
/**
 * The `dnsmedic` executable. Parses the command with the shared grammar, then loads only the
 * module the command needs: the Kubernetes and Slack clients take most of a second to import,
 * and `explain` must answer in well under that.
 */
import { loadCliConfig } from './config.js';
import { parseCommand } from './grammar.js';
import { EXIT, type Io, UsageError } from './io.js';
import { USAGE } from './usage.js';

async function dispatch(io: Io): Promise<number> {
  const parsed = parseCommand(process.argv.slice(2));
  if (!parsed.ok) throw new UsageError(parsed.error);
  const command = parsed.command;
  switch (command.kind) {
    case 'help':
      io.stdout.write(`${USAGE}\n`);
      return EXIT.ok;
    case 'version': {
      const { VERSION } = await import('./version.js');
      io.stdout.write(`dnsmedic ${VERSION}\n`);
      return EXIT.ok;
    }
    case 'explain':
      return (await import('./commands/explain.js')).explain(command, io);
    case 'logs':
      return (await import('./commands/logs.js')).logs(command, io);
    case 'diagnose':
      return (await import('./commands/diagnose.js')).diagnose(command, io);
    case 'check':
      return (await import('./commands/check.js')).check(command, io);
    case 'probe':
      return (await import('./commands/probe.js')).probe(command, io);
    case 'scenarios':
      return (await import('./commands/scenarios.js')).scenarios(command, io);
    case 'sim-serve':
      return (await import('./commands/sim-serve.js')).simServe(command, io);
  }
}

async function main(): Promise<void> {
  const config = loadCliConfig(process.env, process.stdout.isTTY === true);
  const io: Io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, config };
  try {
    process.exitCode = await dispatch(io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`dnsmedic: ${err.message}\n`);
      process.exitCode = EXIT.usage;
    } else {
      io.stderr.write(`dnsmedic: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
      if (config.debug && err instanceof Error) io.stderr.write(`${err.stack}\n`);
      process.exitCode = EXIT.internal;
    }
  }
}

// A closed pipe (`dnsmedic logs big.log | head`) is the reader's choice, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
});

await main();
