/**
 * Probing from the right places (DESIGN.md, "Where probes run"): a client-side probe pod on the
 * client's node with the client's DNS settings, and a CoreDNS-side probe pod on a CoreDNS node
 * with dnsPolicy Default, in parallel. Their reports fill the probe evidence, the resolv.conf the
 * kubelet wrote for the client, and the node's resolvers. A pod that cannot run leaves its part
 * unseen with the reason (refused, timed out, forbidden with the RBAC rule).
 */
import { randomBytes } from 'node:crypto';
import type {
  Evidence,
  NodeFacts,
  ObservedResolvConf,
  ProbeEvidence,
} from '../../playbooks/model/evidence.js';
import { type Gathered, seen, seenValue, unseen } from '../../playbooks/model/gathered.js';
import type { Pod } from '../../playbooks/model/k8s.js';
import { parseResolvConf } from '../../playbooks/parsers/resolv-conf.js';
import type { ResolvConf } from '../../playbooks/parsers/resolv-conf-types.js';
import type { ProbePodApi } from '../k8s/probe-pods.js';
import { type ProbePlan, type ProbePlanOptions, planProbes } from '../probe/plan.js';
import { swapSearchLines } from '../probe/run-spec.js';
import { PROBE_SPEC_VERSION, type ProbeSpec } from '../probe/spec.js';
import { nameProblem } from '../probe/validate.js';
import { type ProbePodSettings, probePodManifest } from './manifest.js';
import { type ProbePodOutcome, runProbePod } from './run.js';

export interface PodProbeSettings extends ProbePodSettings {
  /** Per pod, from create to report. */
  timeoutMs: number;
  pollMs?: number;
  /** Also run the privileged node probe on the client's node (conntrack, kernel log). */
  nodeProbe?: boolean;
}

export interface PodProbeRun {
  clientProbes: Gathered<ProbeEvidence>;
  corednsSideProbes: Gathered<ProbeEvidence>;
  podResolvConf?: Gathered<ObservedResolvConf>;
  nodeResolvConf?: Gathered<ResolvConf>;
  /** From the node probe, when it ran. */
  nodeFacts?: Gathered<NodeFacts>;
  /** Series not run, and pods that could not be deleted (with how to collect them). */
  notes: string[];
}

export async function probeWithPods(
  api: ProbePodApi,
  e: Evidence,
  settings: PodProbeSettings,
  options: ProbePlanOptions = {},
): Promise<PodProbeRun> {
  const plan = planProbes(e, options);
  const count = options.count ?? 20;
  const timeoutMs = options.timeoutMs ?? 2000;
  const runId = randomBytes(4).toString('hex');
  const client = seenValue(e.clientPod);
  const clientNode = client?.spec.nodeName ?? e.target.node;
  const corednsNode = pickCorednsNode(e);
  const run = (side: 'client' | 'coredns' | 'node', node: string, spec: ProbeSpec) =>
    runProbePod(
      api,
      settings.namespace,
      probePodManifest(
        { side, node, spec, runId, ...(side === 'client' && client ? { client } : {}) },
        settings,
      ),
      {
        timeoutMs: settings.timeoutMs,
        ...(settings.pollMs ? { pollMs: settings.pollMs } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      },
    );
  const base = { version: PROBE_SPEC_VERSION, count, timeoutMs } as const;
  const [clientOutcome, corednsOutcome, nodeOutcome] = await Promise.all([
    clientNode
      ? run('client', clientNode, { ...base, series: plan.client, ...tracesFor(e, plan, settings) })
      : undefined,
    corednsNode
      ? run('coredns', corednsNode, {
          ...base,
          series: plan.coredns,
          apiServer: true,
          ...(forwardsToResolvConf(e) && plan.upstreamNames.length > 0
            ? { resolvConfServers: { hop: 'upstream', side: 'coredns', names: plan.upstreamNames } }
            : {}),
        })
      : undefined,
    settings.nodeProbe && clientNode
      ? run('node', clientNode, { ...base, series: [], nodeFacts: true })
      : undefined,
  ]);
  const notes = [...plan.skipped];
  const out: PodProbeRun = {
    clientProbes: clientOutcome
      ? toEvidence(clientOutcome, notes)
      : unseen('no client pod node to run a client-side probe pod on (diagnose a pod or a node)'),
    corednsSideProbes: corednsOutcome
      ? toEvidence(corednsOutcome, notes)
      : unseen('no node runs a CoreDNS pod: nowhere to run the CoreDNS-side probe pod'),
    notes,
  };
  if (client && clientOutcome) out.podResolvConf = observedResolvConf(clientOutcome, client, settings);
  if (corednsOutcome) out.nodeResolvConf = nodeResolvConf(corednsOutcome);
  if (nodeOutcome && clientNode) out.nodeFacts = nodeFacts(nodeOutcome, clientNode, notes);
  return out;
}

function nodeFacts(o: ProbePodOutcome, node: string, notes: string[]): Gathered<NodeFacts> {
  if (o.cleanup) notes.push(o.cleanup);
  if (!o.ok) return o.rule ? unseen(o.reason, o.rule) : unseen(o.reason);
  const reading = o.report.node;
  if (!reading) return unseen('the node probe printed no node facts');
  notes.push(...reading.problems.map((p) => `node probe on ${node}: ${p}`));
  const facts: NodeFacts = { node, source: 'node-probe', kernelLog: reading.kernelLog };
  if (reading.conntrackEntries !== undefined) facts.conntrackEntries = reading.conntrackEntries;
  if (reading.conntrackMax !== undefined) facts.conntrackMax = reading.conntrackMax;
  return seen(facts);
}

function toEvidence(o: ProbePodOutcome, notes: string[]): Gathered<ProbeEvidence> {
  if (o.cleanup) notes.push(o.cleanup);
  if (!o.ok) return o.rule ? unseen(o.reason, o.rule) : unseen(o.reason);
  notes.push(...o.report.skipped);
  const evidence: ProbeEvidence = { where: 'probe-pod', node: o.node, results: o.report.results };
  if (o.report.traces.length > 0) evidence.traces = o.report.traces;
  return seen(evidence);
}

/** Traces of the names as a user types them: the search walk is what they show. */
function tracesFor(e: Evidence, plan: ProbePlan, settings: ProbePodSettings): Pick<ProbeSpec, 'traces'> {
  const typed = e.target.domain?.trim();
  const external = plan.names.at(-1);
  const names = [typed, 'kubernetes.default', external].filter(
    (n): n is string => n !== undefined && n !== '' && nameProblem(n) === undefined,
  );
  if (names.length === 0) return {};
  const ns = e.target.namespace;
  const searchAs = ns ? namespaceSwap(settings, ns) : undefined;
  return { traces: { names: [...new Set(names)], ...(searchAs ? { searchAs } : {}) } };
}

/** The probe namespace's search entry stands for the client's, whatever cluster domain the kubelet writes. */
export function namespaceSwap(
  settings: ProbePodSettings,
  clientNamespace: string,
): { from: string; to: string } {
  return { from: `${settings.namespace}.svc`, to: `${clientNamespace}.svc` };
}

/**
 * What the kubelet wrote for the probe, standing for the client's: the same except the
 * namespace search entry, put back to the client's. (A hostNetwork client's probe gets
 * the policy that yields the same file: manifest.ts.)
 */
function observedResolvConf(
  o: ProbePodOutcome,
  client: Pod,
  settings: ProbePodSettings,
): Gathered<ObservedResolvConf> {
  if (!o.ok) return unseen(o.reason);
  if (o.report.resolvConf === undefined)
    return unseen(o.report.resolvConfError ?? 'the probe could not read its resolv.conf');
  const swap = namespaceSwap(settings, client.metadata.namespace ?? 'default');
  const text = swapSearchLines(o.report.resolvConf, swap);
  return seen({ text, parsed: parseResolvConf(text), source: 'probe-pod' });
}

function nodeResolvConf(o: ProbePodOutcome): Gathered<ResolvConf> {
  if (!o.ok) return unseen(o.reason);
  if (o.report.resolvConf === undefined)
    return unseen(o.report.resolvConfError ?? 'the probe could not read its resolv.conf');
  return seen(parseResolvConf(o.report.resolvConf));
}

/** A Ready CoreDNS pod's node, else any CoreDNS pod's node. */
function pickCorednsNode(e: Evidence): string | undefined {
  const pods = seenValue(e.corednsPods) ?? [];
  const ready = pods.find((p) =>
    (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
  );
  return (ready ?? pods.find((p) => p.spec.nodeName))?.spec.nodeName;
}

/** `forward . /etc/resolv.conf`: CoreDNS's upstreams are the node's resolvers (unknown Corefile: assume so). */
function forwardsToResolvConf(e: Evidence): boolean {
  const corefile = seenValue(e.corefile);
  if (!corefile) return true;
  return corefile.parsed.servers.some((s) =>
    s.directives.some((d) => d.name === 'forward' && d.args.slice(1).some((a) => a.startsWith('/'))),
  );
}
