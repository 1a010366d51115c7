/**
 * coredns.overloaded: CoreDNS pods at their CPU limit (or throttled), or near their memory limit,
 * while answers are slow or failing. Too few replicas for the query volume: queries queue, time
 * out, and the pods may be OOM-killed. No limit set, or usage high but no slow or failing answer,
 * is not a fault. Guide: "What to do if CoreDNS pods are overloaded".
 */
import type { Check } from '../model/check.js';
import type { Evidence, PodUsage } from '../model/evidence.js';
import type { Excerpt, Finding, Remedy } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import {
  corednsContainerName,
  corednsDeploymentName,
  dnsNamespace,
  dnsPodSelector,
} from './support/names.js';
import { nodeLocalRemedy } from './support/nodelocal.js';
import { clip } from './support/text.js';
import { finding } from './support.js';
import { dnsSymptoms, hasSymptoms, restartedRecently, scaleTarget } from './support-coredns.js';

const NEAR = 0.9;
const THROTTLED = 0.25;
const MiB = 1024 ** 2;

/** Why this pod is at its limits, or nothing when it is not. */
function pressure(u: PodUsage, oomKilled: boolean): string[] {
  const out: string[] = [];
  if (u.cpuLimitMillis && u.cpuMillis >= NEAR * u.cpuLimitMillis) {
    out.push(`CPU ${Math.round(u.cpuMillis)}m of ${u.cpuLimitMillis}m limit`);
  }
  if ((u.throttled ?? 0) >= THROTTLED)
    out.push(`CPU throttled ${Math.round((u.throttled ?? 0) * 100)}% of periods`);
  if (u.memoryLimitBytes && u.memoryBytes >= NEAR * u.memoryLimitBytes) {
    out.push(
      `memory ${Math.round(u.memoryBytes / MiB)}Mi of ${Math.round(u.memoryLimitBytes / MiB)}Mi limit`,
    );
  }
  if (oomKilled) out.push('OOMKilled recently');
  return out;
}

function run(e: Evidence): Finding[] {
  const usage = seenValue(e.corednsUsage) ?? [];
  const pods = seenValue(e.corednsPods) ?? [];
  const oom = (name: string) => {
    const p = pods.find((x) => x.metadata.name === name);
    const killed = p?.status?.containerStatuses?.some((c) => c.lastState?.terminated?.reason === 'OOMKilled');
    return !!p && !!killed && restartedRecently(p, e.observedAt);
  };
  const pressed = usage.map((u) => ({ u, why: pressure(u, oom(u.pod)) })).filter((x) => x.why.length > 0);
  const [first] = pressed;
  const symptoms = dnsSymptoms(e);
  // A pod at its limit while every answer is quick and correct is busy, not broken.
  if (!first || !hasSymptoms(symptoms)) return [];

  const ns = dnsNamespace(e);
  const deploy = corednsDeploymentName(e);
  const replicas = scaleTarget(e);
  const all = pressed.length === usage.length;
  const failing = symptoms.failing.length > 0;
  const more = pressed.length > 1 ? ` and ${pressed.length - 1} more` : '';
  const evidence: Excerpt[] = [
    ...pressed
      .slice(0, 3)
      .map(({ u, why }) => ({ source: `metrics of pod ${ns}/${clip(u.pod, 100)}`, text: why.join(', ') })),
    ...symptoms.failing.slice(0, 2),
    ...symptoms.slow.slice(0, 1),
  ];
  const remedies: Remedy[] = [
    {
      summary: `Scale ${ns}/${deploy} out to ${replicas} replicas, spread over nodes.`,
      commands: [
        `kubectl -n ${ns} scale deployment ${deploy} --replicas=${replicas}`,
        `kubectl -n ${ns} top pod -l ${dnsPodSelector(e)}`,
      ],
    },
  ];
  const nodeLocal = nodeLocalRemedy(e);
  if (nodeLocal) remedies.push(nodeLocal);
  const limits = limitsCommand(
    e,
    ns,
    deploy,
    pressed.map((x) => x.u),
  );
  if (limits)
    remedies.push({ summary: 'Or give each pod more room: double the limits it hits.', commands: [limits] });
  return [
    finding('coredns.overloaded', {
      severity: failing ? 'critical' : 'warning',
      title: `CoreDNS pod ${clip(first.u.pod, 100)} at its limits (${first.why[0]})${more} while DNS is ${failing ? 'failing' : 'slow'}`,
      detail:
        `${pressed.length} of ${usage.length} CoreDNS pods run at their resource limits while answers are ${failing ? 'failing' : 'slow'}: there are too few replicas for the query volume. ` +
        'Queries queue behind a throttled or memory-starved process and time out.',
      evidence,
      remedies,
      weight: all ? 0.6 : 0.4,
    }),
  ];
}

/** `kubectl set resources` doubling the CPU and memory limits that are near, when both are known. */
function limitsCommand(e: Evidence, ns: string, deploy: string, pressed: PodUsage[]): string | undefined {
  const u = pressed[0];
  if (!u) return undefined;
  const parts: string[] = [];
  if (u.cpuLimitMillis && u.cpuMillis >= NEAR * u.cpuLimitMillis) parts.push(`cpu=${u.cpuLimitMillis * 2}m`);
  if (u.memoryLimitBytes && u.memoryBytes >= NEAR * u.memoryLimitBytes) {
    parts.push(`memory=${Math.ceil((u.memoryLimitBytes * 2) / MiB)}Mi`);
  }
  return parts.length > 0
    ? `kubectl -n ${ns} set resources deployment ${deploy} -c ${corednsContainerName(e)} --limits=${parts.join(',')}`
    : undefined;
}

export const check: Check = { id: 'coredns.overloaded', needs: ['corednsUsage'], run };
