/**
 * The guide's `telnet <apiserver_clusterip> 6443` from CoreDNS's side: N TCP connects to the API
 * server's address (the `kubernetes` Service, as CoreDNS itself reaches it), each closed at once.
 * Summed as a probe result: connected = answered, with the timeouts and the first failure.
 */
import { connect, isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { ProbeResult } from '../../playbooks/model/evidence.js';
import type { Dialer } from './dialer.js';
import { classify, type Failure } from './exchange.js';
import type { ProbeTarget } from './series.js';
import { assertValid, countProblem, formatServer, serverProblem, timeoutProblem } from './validate.js';

type Connect = { ok: true; ms: number } | { ok: false; error: Failure; ms: number; detail?: string };

export async function connectSeries(
  dialer: Dialer,
  target: ProbeTarget,
  count: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ProbeResult> {
  assertValid(serverProblem(target) ?? countProblem(count) ?? timeoutProblem(timeoutMs));
  const dest = dialer.route(target, 'tcp');
  const outcomes = await Promise.all(
    Array.from({ length: count }, () => connectOnce(dest, timeoutMs, signal)),
  );
  const ok = outcomes.filter((o) => o.ok);
  const latencies = ok.map((o) => o.ms).sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.max(0, Math.ceil(p * latencies.length) - 1)] ?? 0;
  const failed = outcomes.find((o): o is Extract<Connect, { ok: false }> => !o.ok);
  const result: ProbeResult = {
    hop: target.hop,
    side: target.side,
    server: formatServer(target),
    name: 'tcp connect',
    qtype: 'TCP',
    transport: 'tcp',
    attempts: count,
    answered: ok.length,
    rcodes: {},
    timeouts: outcomes.filter((o) => !o.ok && o.error === 'timeout').length,
    truncated: 0,
    sample: failed
      ? `${failed.error} after ${Math.round(failed.ms)} ms${failed.detail ? ` (${failed.detail})` : ''}`
      : `connected in ${Math.round(at(0.5))} ms`,
  };
  if (latencies.length > 0) result.latencyMs = { p50: at(0.5), p95: at(0.95), max: at(1) };
  return result;
}

function connectOnce(
  dest: { host: string; port: number },
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Connect> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect({ host: dest.host, port: dest.port, family: isIP(dest.host) });
    let done = false;
    const finish = (outcome: Connect) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(outcome);
    };
    const ms = () => Math.round((performance.now() - started) * 10) / 10;
    const timer = setTimeout(() => finish({ ok: false, error: 'timeout', ms: ms() }), timeoutMs);
    const onAbort = () => finish({ ok: false, error: 'aborted', ms: ms() });
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => finish({ ok: true, ms: ms() }));
    socket.once('error', (err: NodeJS.ErrnoException) =>
      finish({ ok: false, error: classify(err), ms: ms(), detail: err.code ?? err.message }),
    );
  });
}
