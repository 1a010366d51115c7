/**
 * `dnsmedic diagnose <namespace>/<pod> | --cluster | --node <name>`: the guide's walk against a
 * cluster (or the simulator, with --scenario), live progress on the terminal, then the report.
 */
import { isFaultVerdict } from '../../playbooks/catalog.js';
import { renderJson } from '../../playbooks/report/json.js';
import { renderMarkdown } from '../../playbooks/report/markdown.js';
import { renderText } from '../../playbooks/report/text.js';
import type { Report } from '../../playbooks/report/types.js';
import { diagnoseCluster } from '../../workers/diagnose.js';
import { ClusterAccessError } from '../../workers/k8s/errors.js';
import { type Dialer, directDialer, mapDialer } from '../../workers/probe/dialer.js';
import { DEFAULT_PROBE_IMAGE, DEFAULT_PROBE_NAMESPACE } from '../../workers/probe-pod/manifest.js';
import { type Command, type DiagnoseScope, targetOf } from '../grammar.js';
import { onInterrupt } from '../interrupt.js';
import { EXIT, type Io, UsageError } from '../io.js';
import { terminalProgress } from '../progress.js';
import { startScenario } from '../simulator.js';

type DiagnoseCommand = Extract<Command, { kind: 'diagnose' }>;

interface Access {
  scope: DiagnoseScope;
  domain: string | undefined;
  kubeconfig: string | undefined;
  context: string | undefined;
  prometheusUrl: string | undefined;
  /** A scenario's own "now", so recency is judged as the scenario depicts it. */
  now: (() => Date) | undefined;
  /** Worker-local probes' route: the address map in scenario mode, the addresses themselves otherwise. */
  dialer: Dialer;
  /** Probe pods unless told otherwise in scenario mode; a real cluster gets no writes unless asked. */
  defaultProbes: 'pod' | 'off';
  close: () => Promise<void>;
}

/** The real cluster, or the simulator started from a scenario file (loaded only when asked for). */
async function access(command: DiagnoseCommand): Promise<Access> {
  const { kubeconfig, context, prometheusUrl, domain } = command;
  if (!command.scenario) {
    if (!command.scope) throw new UsageError('diagnose: give <namespace>/<pod>, --cluster or --node <name>');
    return {
      scope: command.scope,
      domain,
      kubeconfig,
      context,
      prometheusUrl,
      now: undefined,
      dialer: directDialer,
      defaultProbes: 'off',
      close: async () => {},
    };
  }
  const sim = await startScenario(command.scenario);
  const scenario = sim.scenario;
  const t = scenario.target;
  return {
    scope: command.scope ?? { kind: 'pod', namespace: t.namespace, pod: t.pod },
    domain: domain ?? (command.scope ? undefined : t.domain),
    kubeconfig: sim.kubeconfigPath,
    context: undefined,
    prometheusUrl: prometheusUrl ?? sim.prometheus.url,
    now: () => new Date(scenario.now),
    // Probes reach the scenario's DNS servers through the address map; anything unmapped is refused.
    dialer: mapDialer(sim.addressMap),
    defaultProbes: 'pod',
    close: () => sim.close(),
  };
}

function render(report: Report, command: DiagnoseCommand, io: Io): string {
  if (command.output === 'json') return renderJson(report);
  if (command.output === 'markdown') return renderMarkdown(report);
  return renderText(report, { colour: io.config.colour });
}

export async function diagnose(command: DiagnoseCommand, io: Io): Promise<number> {
  const a = await access(command);
  const interrupt = onInterrupt(io.stderr);
  try {
    const request = {
      target: targetOf(a.scope, a.domain),
      onStep: terminalProgress(io.stderr, io.config.colour),
      ...(a.kubeconfig ? { kubeconfig: a.kubeconfig } : {}),
      ...(a.context ? { context: a.context } : {}),
      ...(a.prometheusUrl ? { prometheusUrl: a.prometheusUrl } : {}),
      ...(a.now ? { now: a.now } : {}),
      ...probeRequest(command, a),
      probeOptions: { signal: interrupt.signal },
    };
    const { report } = await diagnoseCluster(request).catch((err: unknown) => {
      throw toUsageError(err);
    });
    io.stdout.write(render(report, command, io));
    if (interrupt.signal.aborted) return EXIT.interrupted;
    return isFaultVerdict(report.verdict.checkId) ? EXIT.fault : EXIT.ok;
  } finally {
    interrupt.dispose();
    await a.close();
  }
}

/** Problems with what the user asked for (kubeconfig, context, unknown pod) are input errors, exit 2. */
function toUsageError(err: unknown): unknown {
  return err instanceof ClusterAccessError ? new UsageError(`diagnose: ${err.message}`) : err;
}

/** Probe pods wait this long to finish (image pull included) before the step is inconclusive. */
const PROBE_POD_TIMEOUT_MS = 60_000;

function probeRequest(command: DiagnoseCommand, a: Access) {
  const mode = command.probes.mode ?? a.defaultProbes;
  if (mode === 'off') return { probeMode: 'off' as const };
  if (mode === 'local') return { probeMode: 'local' as const, dialer: a.dialer };
  return {
    probeMode: 'pod' as const,
    probePods: {
      namespace: command.probes.namespace ?? DEFAULT_PROBE_NAMESPACE,
      image: command.probes.image ?? DEFAULT_PROBE_IMAGE,
      deadlineSeconds: PROBE_POD_TIMEOUT_MS / 1000 + 30,
      allowHostNetwork: command.probes.hostNetwork,
      nodeProbe: command.probes.nodeProbe,
      timeoutMs: PROBE_POD_TIMEOUT_MS,
      // The simulator's kubelet finishes in milliseconds; a real pod takes seconds to start.
      pollMs: command.scenario ? 50 : 1000,
    },
  };
}
