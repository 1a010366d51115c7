/**
 * `dnsmedic probe --spec <json>`: what a probe pod runs. It reads the resolv.conf the kubelet
 * wrote for it, sends the spec's queries to the addresses themselves (IP literals only), and
 * prints one report line for the worker to read from the pod's log. Failed probes are results,
 * not errors: the exit code is 0 unless the spec itself is bad (2).
 */
import { readFile } from 'node:fs/promises';
import { directDialer } from '../../workers/probe/dialer.js';
import { readNodeFacts } from '../../workers/probe/node-reading.js';
import { runProbeSpec } from '../../workers/probe/run-spec.js';
import { formatReport, parseProbeSpec } from '../../workers/probe/spec.js';
import { parseServer } from '../../workers/probe/validate.js';
import type { Command } from '../grammar.js';
import { EXIT, type Io, UsageError } from '../io.js';

type ProbeCommand = Extract<Command, { kind: 'probe' }>;

export const RESOLV_CONF_PATH = '/etc/resolv.conf';

export async function probe(command: ProbeCommand, io: Io): Promise<number> {
  const spec = parseProbeSpec(command.spec);
  if (typeof spec === 'string') throw new UsageError(`probe: ${spec}`);
  const resolvConf = await readFile(RESOLV_CONF_PATH, 'utf8').catch((err: NodeJS.ErrnoException) => ({
    error: `cannot read ${RESOLV_CONF_PATH}: ${err.code ?? err.message}`,
  }));
  const api = io.config.kubernetesService ? parseServer(io.config.kubernetesService) : undefined;
  const apiServer = typeof api === 'object' ? api : undefined;
  const report = await runProbeSpec(spec, {
    dialer: directDialer,
    resolvConf,
    readNodeFacts,
    ...(apiServer ? { apiServer } : {}),
  });
  io.stdout.write(`${formatReport(report)}\n`);
  return EXIT.ok;
}
