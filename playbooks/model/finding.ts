import type { CheckId } from '../catalog.js';

/**
 * critical: the cluster is broken here and users feel it. warning: wrong, or likely to hurt.
 * info: worth knowing (advisories are never more than info).
 */
export type Severity = 'critical' | 'warning' | 'info';

/** A piece of evidence quoted in a finding: the log line, the Corefile line, the probe answer. */
export interface Excerpt {
  /** Where it came from: `Corefile line 7`, `pod kube-system/coredns-abc logs`, `probe 10.96.0.10:53`. */
  source: string;
  text: string;
  at?: string;
}

/** A fix with the exact commands, with the user's namespace, pod and names filled in. */
export interface Remedy {
  summary: string;
  commands: string[];
}

export interface Finding {
  checkId: CheckId;
  severity: Severity;
  /** One line: what is wrong, with names (`CoreDNS pod coredns-abc is CrashLoopBackOff`). */
  title: string;
  /** Why it matters, what the evidence shows, in two or three sentences. */
  detail: string;
  evidence: Excerpt[];
  remedies: Remedy[];
  /**
   * How specifically this finding explains the symptom (0..1): a reproduced upstream SERVFAIL
   * explains more than a CPU reading near its limit. Ranks causes for the verdict.
   */
  weight: number;
}
