/**
 * Small pieces every gatherer uses: turning failures into unseen evidence, depending on other
 * evidence, and label selectors.
 */
import { type Gathered, seen, unseen } from '../../playbooks/model/gathered.js';
import type { ObjectMeta, Pod } from '../../playbooks/model/k8s.js';
import { ClusterApiError, unseenFromApiError } from '../k8s/errors.js';

type Missing = Extract<Gathered<never>, { ok: false }>;

/** Thrown by `need` when a source this one depends on was not seen; `attempt` unwraps it. */
export class Unseen extends Error {
  constructor(readonly gathered: Missing) {
    super(gathered.reason);
  }
}

const DEADLINE = /^deadline of \d+ ms reached$/;

/**
 * The value of a source this one depends on, or an `Unseen` naming it (with its RBAC rule, so
 * the report still says which permission is missing). Deadline reasons pass through unchanged.
 */
export function need<T>(g: Gathered<T>, what: string): T {
  if (g.ok) return g.value;
  const reason =
    DEADLINE.test(g.reason) || g.reason.startsWith('needs ') ? g.reason : `needs ${what}: ${g.reason}`;
  throw new Unseen(unseen(reason, g.missingRule) as Missing);
}

/** Gives up on a source for a reason that is not an API error (`the pod is not scheduled`). */
export function cannotSee(reason: string): never {
  throw new Unseen(unseen(reason) as Missing);
}

/** Any failure as unseen evidence: API errors with their reason, other bugs as internal errors. */
export function toUnseen<T>(err: unknown): Gathered<T> {
  if (err instanceof Unseen) return err.gathered;
  if (err instanceof ClusterApiError) return unseenFromApiError(err);
  const message = err instanceof Error ? err.message : String(err);
  return unseen(`internal error while gathering: ${message}`);
}

/** Runs a gatherer: its value as seen, or why it could not be seen. Never rejects. */
export async function attempt<T>(fn: () => Promise<T>): Promise<Gathered<T>> {
  try {
    return seen(await fn());
  } catch (err) {
    return toUnseen<T>(err);
  }
}

/** Whether the API said 404 for this request (a fact, e.g. "no such Service", not a failure). */
export function isNotFound(err: unknown): boolean {
  return err instanceof ClusterApiError && err.kind === 'not-found';
}

/** `a=1,b=2` from a Service or matchLabels selector, keys sorted so equal selectors make equal requests. */
export function selectorString(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
}

export function hasLabels(meta: ObjectMeta, labels: Record<string, string>): boolean {
  const own = meta.labels ?? {};
  return Object.entries(labels).every(([k, v]) => own[k] === v);
}

/** The controller owner of kind `kind`, from ownerReferences. */
export function ownerOf(meta: ObjectMeta, kind: string): string | undefined {
  const refs = meta.ownerReferences ?? [];
  return (refs.find((r) => r.kind === kind && r.controller) ?? refs.find((r) => r.kind === kind))?.name;
}

/** The tag of an image reference (`registry:5000/coredns/coredns:v1.11.3@sha256:..` -> `v1.11.3`). */
export function imageTag(image: string): string | undefined {
  const noDigest = image.split('@')[0] ?? image;
  const lastSlash = noDigest.lastIndexOf('/');
  const colon = noDigest.indexOf(':', lastSlash + 1);
  return colon < 0 ? undefined : noDigest.slice(colon + 1);
}

/** The pods' distinct node names, in order. */
export function nodesOf(pods: readonly Pod[]): string[] {
  return [...new Set(pods.map((p) => p.spec.nodeName).filter((n): n is string => !!n))];
}
