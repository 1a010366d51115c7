/**
 * Errors of cluster access, ours rather than the client library's: nothing above this adapter
 * sees an `ApiException` or a fetch error.
 * - `ClusterAccessError`: the options cannot work at all (unreadable kubeconfig, unknown context,
 *   unknown pod). Thrown; the CLI prints the message and exits 2.
 * - `ClusterApiError`: one request could not be answered (403, 404, 5xx, timeout, deadline).
 *   Never leaves the gatherer: it becomes an unseen `Gathered` naming the reason (and, for a 403,
 *   the RBAC rule that would allow the read).
 */
import { describeRule, type Gathered, type RbacRule, unseen } from '../../playbooks/model/gathered.js';

export type ClusterAccessCode =
  | 'kubeconfig-unreadable'
  | 'kubeconfig-invalid'
  | 'kubeconfig-missing'
  | 'context-unknown'
  | 'target-not-found';

export class ClusterAccessError extends Error {
  override readonly name = 'ClusterAccessError';
  constructor(
    readonly code: ClusterAccessCode,
    message: string,
  ) {
    super(message);
  }
}

/** The pod (or node) the user named does not exist: `pod shop/x not found`. */
export class TargetNotFoundError extends ClusterAccessError {
  constructor(what: string) {
    super('target-not-found', `${what} not found`);
  }
}

export type ApiErrorKind =
  | 'forbidden'
  | 'unauthorized'
  | 'not-found'
  | 'bad-request'
  | 'server-error'
  | 'http-error'
  | 'timeout'
  | 'deadline'
  | 'unreachable'
  | 'bad-response';

/** One API operation, as RBAC sees it, plus the object name for messages. */
export interface Operation {
  verb: 'get' | 'list' | 'create' | 'delete';
  /** Plural resource with its subresource: `pods`, `pods/log`. */
  resource: string;
  /** `''` for the core group. */
  apiGroup: string;
  namespace?: string;
  name?: string;
}

export function ruleOf(op: Operation): RbacRule {
  const rule: RbacRule = { verb: op.verb, resource: op.resource, apiGroup: op.apiGroup };
  if (op.namespace !== undefined) rule.namespace = op.namespace;
  return rule;
}

/** `get pods/log coredns-abc in kube-system`, `list services in kube-system`, `get nodes node-a`. */
export function describeOperation(op: Operation): string {
  const group = op.apiGroup ? `.${op.apiGroup}` : '';
  const name = op.name ? ` ${op.name}` : '';
  const where = op.namespace ? ` in ${op.namespace}` : '';
  return `${op.verb} ${op.resource}${group}${name}${where}`;
}

export class ClusterApiError extends Error {
  override readonly name = 'ClusterApiError';
  constructor(
    readonly kind: ApiErrorKind,
    readonly operation: Operation,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }

  /** The rule that would allow the operation: only meaningful for a 403. */
  get rule(): RbacRule {
    return ruleOf(this.operation);
  }
}

/** The reason a gatherer reports for a failed request, for the report's inconclusive steps. */
export function apiErrorReason(err: ClusterApiError): string {
  const what = describeOperation(err.operation);
  switch (err.kind) {
    case 'forbidden':
      return `403 Forbidden: not allowed to ${describeRule(err.rule)}`;
    case 'not-found':
      return `${what}: not found (404)`;
    case 'deadline':
    case 'timeout':
    case 'unreachable':
      return err.message;
    default:
      return `${what}: ${err.message}`;
  }
}

export function unseenFromApiError<T = never>(err: ClusterApiError): Gathered<T> {
  return err.kind === 'forbidden' ? unseen(apiErrorReason(err), err.rule) : unseen(apiErrorReason(err));
}
