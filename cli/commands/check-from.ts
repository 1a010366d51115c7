/**
 * `dnsmedic check <domain> --from <namespace>/<pod>`: the same questions asked from where the pod
 * asks them. A probe pod on the pod's node, with its dnsPolicy and dnsConfig, queries the given
 * servers (default: the nameservers the kubelet wrote for it) over UDP and TCP, and walks the name
 * as glibc and musl would. The pod is always deleted; one that cannot run is reported, exit 1.
 */
import { randomBytes } from 'node:crypto';
import type { ResolverTrace } from '../../playbooks/model/evidence.js';
import type { Pod } from '../../playbooks/model/k8s.js';
import { terminalSafe as safe } from '../../playbooks/report/sanitize.js';
import { ClusterAccessError, ClusterApiError } from '../../workers/k8s/errors.js';
import { createProbePodApi } from '../../workers/k8s/probe-pods.js';
import { createClusterReader } from '../../workers/k8s/reader.js';
import type { PlannedSeries } from '../../workers/probe/run-series.js';
import { swapSearchLines } from '../../workers/probe/run-spec.js';
import { PROBE_SPEC_VERSION, type ProbeSpec } from '../../workers/probe/spec.js';
import { parseServer } from '../../workers/probe/validate.js';
import {
  DEFAULT_PROBE_IMAGE,
  DEFAULT_PROBE_NAMESPACE,
  type ProbePodSettings,
  probePodManifest,
} from '../../workers/probe-pod/manifest.js';
import { namespaceSwap } from '../../workers/probe-pod/probe.js';
import { runProbePod } from '../../workers/probe-pod/run.js';
import { onInterrupt } from '../interrupt.js';
import { EXIT, type Io, UsageError } from '../io.js';
import { startScenario } from '../simulator.js';
import { type CheckCommand, printResults } from './check.js';

const POD_TIMEOUT_MS = 60_000;

export async function checkFrom(
  command: CheckCommand,
  from: { namespace: string; pod: string },
  io: Io,
): Promise<number> {
  const sim = command.scenario ? await startScenario(command.scenario) : undefined;
  try {
    const access = {
      ...(sim
        ? { kubeconfig: sim.kubeconfigPath }
        : command.kubeconfig
          ? { kubeconfig: command.kubeconfig }
          : {}),
      ...(!sim && command.context ? { context: command.context } : {}),
    };
    const client = await readPod(access, from);
    const node = client.spec.nodeName;
    if (!node)
      throw new UsageError(`check: pod ${from.namespace}/${from.pod} is not scheduled on a node yet`);
    const settings: ProbePodSettings = {
      namespace: command.probeNamespace ?? DEFAULT_PROBE_NAMESPACE,
      image: command.probeImage ?? DEFAULT_PROBE_IMAGE,
      deadlineSeconds: POD_TIMEOUT_MS / 1000 + 30,
      allowHostNetwork: false,
    };
    const manifest = probePodManifest(
      {
        side: 'client',
        node,
        spec: specFor(command, settings, from),
        client,
        runId: randomBytes(4).toString('hex'),
      },
      settings,
    );
    const api = createProbePodApi({ ...access, requestTimeoutMs: 5000 });
    const interrupt = onInterrupt(io.stderr);
    const outcome = await runProbePod(api, settings.namespace, manifest, {
      timeoutMs: POD_TIMEOUT_MS,
      pollMs: sim ? 20 : 1000,
      signal: interrupt.signal,
    }).finally(() => interrupt.dispose());
    if (outcome.cleanup) io.stderr.write(`dnsmedic: ${safe(outcome.cleanup)}\n`);
    if (!outcome.ok) {
      io.stderr.write(`dnsmedic: check: ${safe(outcome.reason)}\n`);
      return EXIT.fault;
    }
    const where = `probe pod on node ${outcome.node}, with the DNS settings of ${from.namespace}/${from.pod}`;
    const r = outcome.report;
    printResults(command, r.results, io, { from: where, resolvConf: r.resolvConf, traces: r.traces });
    if (command.output !== 'json') {
      io.stdout.write(`Asked from a ${safe(where)}.\n`);
      if (r.resolvConf) {
        const text = swapSearchLines(r.resolvConf, namespaceSwap(settings, from.namespace));
        io.stdout.write(
          `The pod's resolv.conf, as the kubelet wrote it for the probe:\n${indent(safe(text))}\n`,
        );
      }
      for (const t of r.traces) io.stdout.write(`${traceLine(t)}\n`);
      for (const s of r.skipped) io.stdout.write(`  not asked: ${safe(s)}\n`);
    }
    // The servers are asked the name as written (as dig does); whether it resolves is the libc walk's answer.
    const walkFailed = r.traces.some((t) => t.result !== 'answer');
    const serverFailed = r.results.some(
      (x) =>
        x.answered < x.attempts || Object.keys(x.rcodes).some((c) => c !== 'NOERROR' && c !== 'NXDOMAIN'),
    );
    return walkFailed || serverFailed || r.results.length === 0 ? EXIT.fault : EXIT.ok;
  } finally {
    await sim?.close();
  }
}

async function readPod(
  access: { kubeconfig?: string; context?: string },
  from: { namespace: string; pod: string },
): Promise<Pod> {
  let reader: ReturnType<typeof createClusterReader>;
  try {
    reader = createClusterReader({ ...access, requestTimeoutMs: 5000, concurrency: 1 });
  } catch (err) {
    throw err instanceof ClusterAccessError ? new UsageError(`check: ${err.message}`) : err;
  }
  try {
    return await reader.getPod(from.namespace, from.pod);
  } catch (err) {
    if (err instanceof ClusterApiError && err.kind === 'not-found')
      throw new UsageError(`check: pod ${from.namespace}/${from.pod} not found`);
    if (err instanceof ClusterApiError)
      throw new UsageError(`check: cannot read pod ${from.namespace}/${from.pod}: ${err.message}`);
    throw err;
  }
}

/** The given servers over UDP and TCP, else the pod's own nameservers; and the libc walks of the name. */
function specFor(command: CheckCommand, settings: ProbePodSettings, from: { namespace: string }): ProbeSpec {
  const series: PlannedSeries[] = command.servers.flatMap((text) => {
    const server = parseServer(text);
    if (typeof server === 'string') throw new UsageError(`check: ${server}`);
    return (['udp', 'tcp'] as const).map((transport) => ({
      target: { ...server, hop: 'dns-service' as const, side: 'client' as const },
      query: {
        name: command.domain.replace(/\.$/, ''),
        type: 'A' as const,
        transport,
        timeoutMs: command.timeoutMs,
      },
    }));
  });
  const name = command.domain.replace(/\.$/, '');
  return {
    version: PROBE_SPEC_VERSION,
    count: command.count,
    timeoutMs: command.timeoutMs,
    series,
    ...(series.length === 0
      ? {
          resolvConfServers: {
            hop: 'dns-service',
            side: 'client',
            names: [name],
            transports: ['udp', 'tcp'],
          },
        }
      : {}),
    // The probe's namespace search entry stands for the pod's (any cluster domain: suffix match).
    traces: {
      names: [command.domain],
      searchAs: { from: `${settings.namespace}.svc`, to: `${from.namespace}.svc` },
    },
  };
}

function traceLine(t: ResolverTrace): string {
  const fail = t.firstFailure
    ? `; first failure: ${t.firstFailure.qtype} ${t.firstFailure.name} @${t.firstFailure.server}: ${t.firstFailure.outcome}`
    : '';
  const names = [...new Set(t.queries.map((q) => q.name))];
  return safe(
    `${t.libc} would look up ${t.name}: ${t.result} after ${t.queries.length} queries (${names.join(', ')})${fail}`,
  );
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
