/** Small helpers the checks share: building findings, reading pods and endpoints, versions, selectors. */
import { CATALOG, type CheckId } from '../catalog.js';
import type { Excerpt, Finding, Remedy, Severity } from '../model/finding.js';
import type { EndpointSlice, LabelSelector, Pod } from '../model/k8s.js';

export interface FindingInput {
  severity: Severity;
  title: string;
  detail: string;
  evidence: Excerpt[];
  remedies: Remedy[];
  weight: number;
}

/** A finding for `id`; advisories are capped at `info`, whatever the caller asked. */
export function finding(id: CheckId, input: FindingInput): Finding {
  const severity = CATALOG[id].kind === 'advisory' ? 'info' : input.severity;
  return { checkId: id, ...input, severity };
}

export function podRef(pod: Pod): string {
  return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
}

export function isPodReady(pod: Pod): boolean {
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  return pod.status?.phase === 'Running' && ready?.status === 'True';
}

/** Containers waiting in CrashLoopBackOff, ImagePullBackOff, CreateContainerConfigError... */
export function waitingReasons(pod: Pod): string[] {
  return (pod.status?.containerStatuses ?? []).flatMap((c) =>
    c.state?.waiting?.reason ? [c.state.waiting.reason] : [],
  );
}

/** Endpoints of the slices; `ready` unset means ready (the EndpointSlice API's rule). */
export function endpointsOf(slices: EndpointSlice[] | undefined) {
  return (slices ?? []).flatMap((s) => s.endpoints ?? []);
}

/** Addresses of the ready endpoints. */
export function readyAddresses(slices: EndpointSlice[] | undefined): string[] {
  return endpointsOf(slices).flatMap((ep) => (ep.conditions?.ready === false ? [] : ep.addresses));
}

/** `1.8.4` from `registry.k8s.io/coredns/coredns:v1.8.4`, `coredns:1.6.7-eksbuild.1`, `CoreDNS-1.11.3`. */
export function versionFrom(text: string | undefined): string | undefined {
  const m = /(\d+)\.(\d+)\.(\d+)/.exec(text ?? '');
  return m ? `${m[1]}.${m[2]}.${m[3]}` : undefined;
}

/** Compare dotted versions numerically: negative when a < b. Missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  const pb = b.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Whether `labels` satisfy a Kubernetes label selector (matchLabels and matchExpressions). */
export function matchesSelector(
  labels: Record<string, string> | undefined,
  selector: LabelSelector,
): boolean {
  const have = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (have[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const value = have[e.key];
    const values = e.values ?? [];
    const ok =
      e.operator === 'In'
        ? value !== undefined && values.includes(value)
        : e.operator === 'NotIn'
          ? value === undefined || !values.includes(value)
          : e.operator === 'Exists'
            ? value !== undefined
            : e.operator === 'DoesNotExist'
              ? value === undefined
              : false;
    if (!ok) return false;
  }
  return true;
}

/** Whether `name` is inside the cluster domain (`x.ns.svc.cluster.local`, with or without the dot). */
export function isClusterName(name: string, clusterDomain: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, '');
  const d = clusterDomain.toLowerCase().replace(/\.$/, '');
  return n === d || n.endsWith(`.${d}`);
}

/** Millicores from a Kubernetes quantity (`250m`, `1`, `1.5`, `2000000n`). NaN when unreadable. */
export function cpuMillis(q: string | undefined): number {
  if (!q) return Number.NaN;
  const m = /^(\d+(?:\.\d+)?)(n|u|m)?$/.exec(q.trim());
  if (!m) return Number.NaN;
  const n = Number(m[1]);
  const unit = m[2];
  return unit === 'n' ? n / 1e6 : unit === 'u' ? n / 1e3 : unit === 'm' ? n : n * 1000;
}

const BYTE_UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

/** Bytes from a Kubernetes quantity (`170Mi`, `1G`, `123456`). NaN when unreadable. */
export function memoryBytes(q: string | undefined): number {
  if (!q) return Number.NaN;
  const m = /^(\d+(?:\.\d+)?)([kMGT]i?|)$/.exec(q.trim());
  if (!m) return Number.NaN;
  return Number(m[1]) * (BYTE_UNITS[m[2] ?? ''] ?? Number.NaN);
}
