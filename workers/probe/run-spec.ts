/**
 * What `dnsmedic probe --spec` does inside a probe pod (and the simulator's stand-in kubelet does
 * for a simulated one): run the spec's series, probe the pod's own nameservers when asked, walk
 * the asked names as glibc and musl would, and report it all with the resolv.conf it saw.
 */
import type { ProbeResult } from '../../playbooks/model/evidence.js';
import { parseResolvConf } from '../../playbooks/parsers/resolv-conf.js';
import type { ResolvConf } from '../../playbooks/parsers/resolv-conf-types.js';
import type { Dialer } from './dialer.js';
import type { NodeReading } from './node-reading.js';
import { message, type PlannedSeries, runPlannedSeries } from './run-series.js';
import { PROBE_SPEC_VERSION, type ProbeReport, type ProbeSpec } from './spec.js';
import { connectSeries } from './tcp-connect.js';
import { traceLookups } from './traces.js';
import { parseServer, type ServerAddress } from './validate.js';

export interface ProbeEnvironment {
  dialer: Dialer;
  /** The pod's /etc/resolv.conf text, or why it could not be read. */
  resolvConf: string | { error: string };
  /** The API server's address as pods get it (KUBERNETES_SERVICE_HOST and _PORT). */
  apiServer?: ServerAddress;
  /** How this place reads its node's facts (the real probe: /proc and /dev/kmsg). */
  readNodeFacts?: () => NodeReading | Promise<NodeReading>;
  signal?: AbortSignal;
}

export async function runProbeSpec(spec: ProbeSpec, env: ProbeEnvironment): Promise<ProbeReport> {
  const t0 = performance.now();
  const text = typeof env.resolvConf === 'string' ? env.resolvConf : undefined;
  const rc = text === undefined ? undefined : parseResolvConf(text);
  const skipped: string[] = [];
  const series = [...spec.series, ...ownServerSeries(spec, rc, skipped)];
  const traced =
    spec.traces && rc
      ? traceLookups(
          env.dialer,
          searchAs(rc, spec.traces.searchAs),
          spec.traces.names,
          spec.timeoutMs,
          env.signal,
        )
      : Promise.resolve({ traces: [], skipped: [] });
  const [run, traces, apiServer] = await Promise.all([
    runPlannedSeries(env.dialer, series, spec.count, undefined, env.signal),
    traced,
    spec.apiServer ? connectApiServer(spec, env, skipped) : undefined,
  ]);
  const results = [...run.results.filter((r) => r !== undefined), ...(apiServer ? [apiServer] : [])];
  const report: ProbeReport = {
    version: PROBE_SPEC_VERSION,
    results: results.map(boundSample),
    traces: traces.traces,
    skipped: bounded([...skipped, ...run.skipped, ...traces.skipped]),
    ms: Math.round(performance.now() - t0),
  };
  if (spec.nodeFacts) {
    report.node = env.readNodeFacts
      ? await env.readNodeFacts()
      : { kernelLog: [], problems: ['this probe cannot read node facts'] };
  }
  if (text !== undefined) report.resolvConf = text;
  else if (typeof env.resolvConf !== 'string') report.resolvConfError = env.resolvConf.error;
  return report;
}

async function connectApiServer(
  spec: ProbeSpec,
  env: ProbeEnvironment,
  skipped: string[],
): Promise<ProbeResult | undefined> {
  if (!env.apiServer) {
    skipped.push('API server: this pod was given no KUBERNETES_SERVICE_HOST');
    return undefined;
  }
  try {
    const target = { ...env.apiServer, hop: 'apiserver' as const, side: 'coredns' as const };
    return await connectSeries(env.dialer, target, spec.count, spec.timeoutMs, env.signal);
  } catch (err) {
    skipped.push(`API server ${env.apiServer.host}:${env.apiServer.port}: ${message(err)}`);
    return undefined;
  }
}

/** A headless Service's answer can run to kilobytes: the report keeps the start (its limits: spec.ts). */
const MAX_SAMPLE = 1000;
const MAX_SKIPPED = 100;
const MAX_NOTE = 500;

function boundSample(r: ProbeResult): ProbeResult {
  return r.sample !== undefined && r.sample.length > MAX_SAMPLE
    ? { ...r, sample: `${r.sample.slice(0, MAX_SAMPLE - 1)}…` }
    : r;
}

function bounded(notes: string[]): string[] {
  const unique = [...new Set(notes)].map((n) => (n.length > MAX_NOTE ? `${n.slice(0, MAX_NOTE - 1)}…` : n));
  return unique.length > MAX_SKIPPED
    ? [...unique.slice(0, MAX_SKIPPED - 1), `${unique.length - MAX_SKIPPED + 1} more not listed`]
    : unique;
}

/** The pod's own nameservers as targets (how the CoreDNS side learns the node's upstreams). */
function ownServerSeries(spec: ProbeSpec, rc: ResolvConf | undefined, skipped: string[]): PlannedSeries[] {
  const own = spec.resolvConfServers;
  if (!own) return [];
  if (!rc) {
    skipped.push('own nameservers: /etc/resolv.conf could not be read');
    return [];
  }
  return rc.nameservers.flatMap((ip) => {
    const server = parseServer(ip);
    if (typeof server === 'string') {
      skipped.push(`nameserver ${JSON.stringify(ip)}: ${server}`);
      return [];
    }
    return own.names.flatMap((name) =>
      (own.transports ?? ['udp']).map((transport) => ({
        target: { ...server, hop: own.hop, side: own.side },
        query: { name, type: 'A' as const, transport, timeoutMs: spec.timeoutMs },
      })),
    );
  });
}

function searchAs(rc: ResolvConf, swap: { from: string; to: string } | undefined): ResolvConf {
  return swap ? { ...rc, search: rc.search.map((d) => swapSearch(d, swap)) } : rc;
}

/**
 * The probe runs in its own namespace: its namespace search entry stands for the client's. `from`
 * matches a whole entry or its leading labels (`ns.svc` matches `ns.svc.<any cluster domain>`),
 * so it holds whatever cluster domain the kubelet writes.
 */
export function swapSearch(domain: string, swap: { from: string; to: string }): string {
  if (domain === swap.from) return swap.to;
  return domain.startsWith(`${swap.from}.`) ? `${swap.to}${domain.slice(swap.from.length)}` : domain;
}

/** The same swap on resolv.conf text: the `search` line's entries, nothing else touched. */
export function swapSearchLines(text: string, swap: { from: string; to: string }): string {
  return text
    .split('\n')
    .map((line) => {
      const m = /^(\s*search\s+)(.*)$/.exec(line);
      return m
        ? `${m[1]}${(m[2] ?? '')
            .split(/\s+/)
            .map((d) => swapSearch(d, swap))
            .join(' ')}`
        : line;
    })
    .join('\n');
}
