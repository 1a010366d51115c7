/**
 * Scenario faults: a rule names a verb, a resource as RBAC and kubectl spell it (`pods/log`,
 * `deployments.apps`, `pods.metrics.k8s.io`) and a namespace; a matching request waits `delayMs`
 * and then gets a Status with the rule's code. A code below 400 only delays (a slow resource).
 */
import type { ApiFault } from '../scenario/types.js';
import type { Registry } from './registry.js';
import { faultStatus, forbidden, type Status } from './status.js';

/** The identity every 403 names: the ServiceAccount dnsmedic runs as in its own namespace. */
export const SIM_USER = 'system:serviceaccount:dnsmedic:dnsmedic';

export interface RequestAttributes {
  verb: string;
  group: string;
  plural: string;
  subresource: string;
  /** '' for cluster-scoped resources and cluster-wide lists. */
  namespace: string;
  name: string;
  /** A namespaced resource asked for across all namespaces. */
  clusterWide: boolean;
}

export interface FaultAnswer {
  delayMs: number;
  /** Absent when the rule only delays. */
  status?: Status;
}

interface ParsedRule {
  fault: ApiFault;
  plural: string;
  group: string;
  subresource: string;
}

export class Faults {
  private readonly rules: ParsedRule[];

  constructor(rules: readonly ApiFault[], registry: Registry) {
    this.rules = rules.map((fault) => {
      const slash = fault.resource.indexOf('/');
      const base = slash < 0 ? fault.resource : fault.resource.slice(0, slash);
      const subresource = slash < 0 ? '' : fault.resource.slice(slash + 1);
      const dot = base.indexOf('.');
      const plural = dot < 0 ? base : base.slice(0, dot);
      // A bare plural means the group kubectl would pick for it: `pods` is core, never metrics.
      const group = dot < 0 ? (registry.preferredGroup(plural) ?? '') : base.slice(dot + 1);
      return { fault, plural, group, subresource };
    });
  }

  /** The first rule matching the request, as the answer it prescribes. */
  match(request: RequestAttributes): FaultAnswer | undefined {
    const rule = this.rules.find((r) => this.matches(r, request));
    if (rule === undefined) return undefined;
    const { status, delayMs = 0 } = rule.fault;
    if (status < 400) return { delayMs };
    const answer =
      status === 403
        ? forbidden({ user: SIM_USER, ...request })
        : faultStatus(status, request.plural, request.group, request.name);
    return { delayMs, status: answer };
  }

  private matches(rule: ParsedRule, r: RequestAttributes): boolean {
    if (rule.fault.verb !== undefined && rule.fault.verb !== r.verb) return false;
    if (rule.plural !== r.plural || rule.group !== r.group || rule.subresource !== r.subresource)
      return false;
    const namespace = rule.fault.namespace;
    if (namespace === undefined || namespace === r.namespace) return true;
    // Denied in one namespace means denied across all of them: no ClusterRole grants it either.
    return rule.fault.status === 403 && r.clusterWide;
  }
}
