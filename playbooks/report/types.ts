/**
 * The report: the stable JSON shape (docs/report-json.md) every surface renders.
 * Additive changes only; `schemaVersion` changes if a field ever changes meaning.
 */
import type { VerdictId } from '../catalog.js';
import type { Target } from '../model/evidence.js';
import type { Finding, Severity } from '../model/finding.js';
import type { ConnectivityRow } from './connectivity.js';

export type StepStatus = 'ok' | 'failed' | 'inconclusive' | 'skipped';

export interface CheckOutcome {
  checkId: string;
  status: 'ok' | 'failed' | 'inconclusive' | 'skipped';
  reason?: string;
}

export interface StepOutcome {
  id: string;
  title: string;
  /** The guide section this step follows. */
  guide: string;
  status: StepStatus;
  /** Why it failed, could not see, or was skipped (with the RBAC rule that would allow it). */
  reason?: string;
  checks: CheckOutcome[];
}

export interface Verdict {
  checkId: VerdictId;
  title: string;
  severity?: Severity;
  /** Why this finding best explains the symptom, or why the cluster is called healthy/inconclusive. */
  why: string;
}

export interface TicketDraft {
  title: string;
  fields: { label: string; value: string }[];
  evidence: string[];
}

export interface ClusterSummary {
  name?: string;
  provider?: 'coredns' | 'kube-dns';
  corednsVersion?: string;
  clusterDomain?: string;
  dnsServiceIp?: string;
  kubernetesVersion?: string;
}

export interface Report {
  schemaVersion: 1;
  target: Target;
  observedAt: string;
  cluster: ClusterSummary;
  verdict: Verdict;
  /** Most severe and most specific first. */
  findings: Finding[];
  steps: StepOutcome[];
  /** The guide's connectivity tables from the probes; empty when nothing was probed. */
  connectivity: ConnectivityRow[];
  /** What probing could not do (series not run, probe pods left behind with how to collect them). */
  probeNotes: string[];
  ticket: TicketDraft;
}
