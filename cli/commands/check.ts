/**
 * `dnsmedic check <domain> [--server IP[:port]]`: the name asked N times over UDP and N times over
 * TCP, to each server (default: this machine's /etc/resolv.conf nameservers), with answer codes,
 * losses and latency: the guide's "dig it a few times" in one command.
 */
import { readFile } from 'node:fs/promises';
import type { ProbeResult } from '../../playbooks/model/evidence.js';
import { parseResolvConf } from '../../playbooks/parsers/resolv-conf.js';
import { oneLine as safe } from '../../playbooks/report/sanitize.js';
import { directDialer, probeSeries } from '../../workers/probe/index.js';
import { parseServer, type ServerAddress } from '../../workers/probe/validate.js';
import type { Command } from '../grammar.js';
import { EXIT, type Io, UsageError } from '../io.js';

export type CheckCommand = Extract<Command, { kind: 'check' }>;

async function servers(command: CheckCommand): Promise<ServerAddress[]> {
  const given = command.servers.length > 0 ? command.servers : await localNameservers();
  return given.map((text) => {
    const s = parseServer(text);
    if (typeof s === 'string') throw new UsageError(`check: ${s}`);
    return s;
  });
}

async function localNameservers(): Promise<string[]> {
  const text = await readFile('/etc/resolv.conf', 'utf8').catch(() => '');
  const found = parseResolvConf(text).nameservers;
  if (found.length === 0)
    throw new UsageError('check: no --server given and /etc/resolv.conf names no nameserver');
  return found;
}

/** One result; every field may come from a probe pod's log, so each is made safe. */
function line(r: ProbeResult): string {
  const codes = Object.entries(r.rcodes)
    .map(([code, n]) => `${safe(code)} ${n}`)
    .join(', ');
  const latency = r.latencyMs
    ? `p50 ${r.latencyMs.p50.toFixed(1)} ms, p95 ${r.latencyMs.p95.toFixed(1)} ms`
    : 'no answer';
  const extra = [r.timeouts ? `${r.timeouts} timed out` : '', r.truncated ? `${r.truncated} truncated` : '']
    .filter(Boolean)
    .join(', ');
  return `  ${safe(r.server).padEnd(22)} ${safe(r.transport).padEnd(4)} ${r.answered}/${r.attempts} answered  ${codes || '-'}  ${latency}${extra ? `  (${extra})` : ''}`;
}

export async function check(command: CheckCommand, io: Io): Promise<number> {
  if (command.from) return (await import('./check-from.js')).checkFrom(command, command.from, io);
  const targets = await servers(command);
  const results: ProbeResult[] = [];
  for (const server of targets) {
    for (const transport of ['udp', 'tcp'] as const) {
      const target = { ...server, hop: 'dns-service' as const, side: 'client' as const };
      const q = { name: command.domain, type: 'A' as const, transport, timeoutMs: command.timeoutMs };
      results.push(await probeSeries(directDialer, target, q, command.count));
    }
  }
  printResults(command, results, io);
  return anyFailed(results) ? EXIT.fault : EXIT.ok;
}

/** The results as a table (or JSON, with `extra` fields such as where they were asked from). */
export function printResults(
  command: CheckCommand,
  results: ProbeResult[],
  io: Io,
  extra: Record<string, unknown> = {},
): void {
  if (command.output === 'json') {
    io.stdout.write(`${JSON.stringify({ name: command.domain, ...extra, results }, null, 2)}\n`);
    return;
  }
  io.stdout.write(
    `${safe(command.domain)} A, ${command.count} queries per transport:\n${results.map(line).join('\n')}\n`,
  );
  for (const r of results)
    if (r.sample) io.stdout.write(`  ${safe(r.server)} ${safe(r.transport)}: ${safe(r.sample)}\n`);
}

export function anyFailed(results: ProbeResult[]): boolean {
  return results.some((r) => r.answered < r.attempts || Object.keys(r.rcodes).some((c) => c !== 'NOERROR'));
}
