/**
 * Reads and writes of stored objects with the real server's semantics: lists as `{Kind}List`
 * with selectors and limit/continue paging, gets with NotFound, creates with the validation and
 * defaults that matter to dnsmedic's probe pods, deletes answering the object or a Status.
 */
import { createHash } from 'node:crypto';
import type { ResourceType } from './registry.js';
import type { ResourceRoute } from './routes.js';
import {
  checkFields,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors.js';
import { alreadyExists, badRequest, failure, invalid, notFound, type Status, success } from './status.js';
import type { Obj, Store } from './store.js';

export interface Answer {
  code: number;
  body: unknown;
}

const ok = (body: unknown): Answer => ({ code: 200, body });
const fail = (status: Status): Answer => ({ code: status.code, body: status });

function apiVersionOf(type: ResourceType): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

interface ContinueToken {
  v: string;
  rv: number;
  start: string;
}

function decodeContinue(token: string): ContinueToken | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as Partial<ContinueToken>;
    if (parsed.v !== 'meta.k8s.io/v1' || typeof parsed.start !== 'string') return undefined;
    return { v: parsed.v, rv: Number(parsed.rv), start: parsed.start };
  } catch {
    return undefined;
  }
}

export function list(store: Store, type: ResourceType, route: ResourceRoute, query: URLSearchParams): Answer {
  const labels = parseLabelSelector(query.get('labelSelector') ?? '');
  if (!labels.ok) return fail(badRequest(labels.error));
  const fields = parseFieldSelector(query.get('fieldSelector') ?? '');
  if (!fields.ok) return fail(badRequest(fields.error));
  const unsupported = checkFields(type.storage, fields.value);
  if (unsupported !== undefined) return fail(badRequest(unsupported));

  let entries = store.list(type, route.namespace).filter(({ key, object }) => {
    const objectLabels = (object.metadata.labels as Record<string, string> | undefined) ?? {};
    if (!matchesLabels(labels.value, objectLabels)) return false;
    return matchesFields(type.storage, fields.value, store.raw(type, key) ?? object);
  });

  const token = query.get('continue');
  if (token !== null && token !== '') {
    const decoded = decodeContinue(token);
    if (decoded === undefined)
      return fail(badRequest('continue key is not valid: incorrect encoded start resourceVersion'));
    entries = entries.filter(({ key }) => key >= decoded.start);
  }
  const metadata: Record<string, unknown> = { resourceVersion: store.resourceVersion };
  const limit = Number(query.get('limit') ?? '0');
  if (Number.isInteger(limit) && limit > 0 && entries.length > limit) {
    const next = entries[limit];
    if (next !== undefined) {
      const start: ContinueToken = {
        v: 'meta.k8s.io/v1',
        rv: Number(store.resourceVersion),
        start: next.key,
      };
      metadata.continue = Buffer.from(JSON.stringify(start)).toString('base64');
      metadata.remainingItemCount = entries.length - limit;
    }
    entries = entries.slice(0, limit);
  }
  return ok({
    kind: `${type.kind}List`,
    apiVersion: apiVersionOf(type),
    metadata,
    items: entries.map((e) => e.object),
  });
}

export function get(store: Store, type: ResourceType, route: ResourceRoute): Answer {
  const object = store.get(type, route.namespace, route.name);
  return object === undefined ? fail(notFound(type.plural, type.group, route.name)) : ok(object);
}

/** Object timestamps are RFC 3339 to the second, in the scenario's time. */
const seconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** The alphabet the real server draws generateName suffixes from (no vowels, no look-alikes). */
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function create(
  store: Store,
  type: ResourceType,
  route: ResourceRoute,
  body: unknown,
  query: URLSearchParams,
  namespaceExists: (name: string) => boolean,
  now: number,
): Answer {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return fail(badRequest('the body of the request was in an unknown format'));
  }
  const object = structuredClone(body) as Obj;
  if (object.kind !== undefined && object.kind !== type.kind) {
    return fail(
      badRequest(`${String(object.kind)} in version "${type.version}" cannot be handled as a ${type.kind}`),
    );
  }
  const meta = (object.metadata ?? {}) as Obj['metadata'];
  object.metadata = meta;
  if (meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== route.namespace) {
    return fail(
      badRequest('the namespace of the provided object does not match the namespace sent on the request'),
    );
  }
  if (type.namespaced) meta.namespace = route.namespace;
  if ((meta.name ?? '') === '' && typeof meta.generateName === 'string' && meta.generateName !== '') {
    // Deterministic, unlike the real server's random suffix, so runs repeat.
    const digest = createHash('sha256').update(`${meta.generateName}/${store.resourceVersion}`).digest();
    const suffix = [...digest.subarray(0, 5)]
      .map((b) => SUFFIX_ALPHABET[b % SUFFIX_ALPHABET.length])
      .join('');
    meta.name = `${meta.generateName}${suffix}`;
  }
  const name = String(meta.name ?? '');
  if (name === '') {
    return fail(
      invalid(type.kind, type.group, '', [
        { field: 'metadata.name', message: 'Required value: name or generateName is required' },
      ]),
    );
  }
  if (!DNS1123_SUBDOMAIN.test(name) || name.length > 253) {
    const message =
      `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, ` +
      "'-' or '.', and must start and end with an alphanumeric character";
    return fail(invalid(type.kind, type.group, name, [{ field: 'metadata.name', message }]));
  }
  if (type.namespaced && !namespaceExists(route.namespace)) {
    return fail(notFound('namespaces', '', route.namespace));
  }
  if (type.kind === 'Pod' && type.group === '') {
    const spec = (object.spec ?? {}) as Record<string, unknown>;
    if (!Array.isArray(spec.containers) || spec.containers.length === 0) {
      return fail(invalid('Pod', '', name, [{ field: 'spec.containers', message: 'Required value' }]));
    }
    // The defaults the server applies that decide a probe pod's DNS and lifetime.
    object.spec = {
      dnsPolicy: 'ClusterFirst',
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      serviceAccountName: 'default',
      terminationGracePeriodSeconds: 30,
      enableServiceLinks: true,
      ...spec,
    };
    object.status = { phase: 'Pending' };
  }
  if (store.get(type, route.namespace, name) !== undefined)
    return fail(alreadyExists(type.plural, type.group, name));
  meta.creationTimestamp = seconds(now);
  delete meta.uid;
  delete meta.resourceVersion;
  if (query.get('dryRun') === 'All') {
    return { code: 201, body: { apiVersion: apiVersionOf(type), ...object, kind: type.kind } };
  }
  return { code: 201, body: store.put(type, object) };
}

/** Pods and Services answer with the deleted object; other kinds with a Success Status. */
export function remove(
  store: Store,
  type: ResourceType,
  route: ResourceRoute,
  query: URLSearchParams,
  now: number,
): Answer {
  const existing = store.get(type, route.namespace, route.name);
  if (existing === undefined) return fail(notFound(type.plural, type.group, route.name));
  if (query.get('dryRun') !== 'All') store.delete(type, route.namespace, route.name);
  if (type.group === '' && (type.kind === 'Pod' || type.kind === 'Service')) {
    if (type.kind === 'Pod') {
      const grace = Number(query.get('gracePeriodSeconds') ?? '30');
      existing.metadata.deletionTimestamp = seconds(now);
      existing.metadata.deletionGracePeriodSeconds = Number.isInteger(grace) ? grace : 30;
    }
    return ok(existing);
  }
  const details = {
    name: route.name,
    ...(type.group === '' ? {} : { group: type.group }),
    kind: type.plural,
  };
  return ok({ ...success(details), details: { ...details, uid: existing.metadata.uid } });
}

export const methodNotAllowed = (): Answer =>
  fail(failure(405, 'the server does not allow this method on the requested resource', {}));
