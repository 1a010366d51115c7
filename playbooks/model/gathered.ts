/**
 * Evidence as a gatherer saw it: either the value, or why it could not be seen
 * (a 403 with the rule that would allow it, a 404, a timeout). "Could not see" is
 * never the same as "nothing wrong": steps that need a missing value are inconclusive.
 */
export type Gathered<T> = { ok: true; value: T } | { ok: false; reason: string; missingRule?: RbacRule };

/** The RBAC rule that would have let a gatherer read what it was denied. */
export interface RbacRule {
  verb: string;
  resource: string;
  apiGroup: string;
  namespace?: string;
}

export function seen<T>(value: T): Gathered<T> {
  return { ok: true, value };
}

export function unseen<T = never>(reason: string, missingRule?: RbacRule): Gathered<T> {
  return missingRule ? { ok: false, reason, missingRule } : { ok: false, reason };
}

/** The value when it was seen, else undefined: for checks that only fire on positive evidence. */
export function seenValue<T>(g: Gathered<T> | undefined): T | undefined {
  return g?.ok ? g.value : undefined;
}

export function describeRule(rule: RbacRule): string {
  const group = rule.apiGroup === '' ? 'core' : rule.apiGroup;
  const where = rule.namespace ? `in namespace ${rule.namespace}` : 'cluster-wide';
  return `${rule.verb} ${rule.resource} (API group ${group}) ${where}`;
}
