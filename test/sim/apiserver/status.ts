/**
 * `Status` objects as kube-apiserver writes them for failures (and for some deletes), with the
 * reasons and message wording of the real server, so clients and our adapters see what they
 * would see from a cluster.
 */

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: { reason?: string; message: string; field?: string }[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** The reason the real server gives with each code (metav1.StatusReason). */
const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Expired',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

export function failure(code: number, message: string, details?: StatusDetails, reason?: string): Status {
  const status: Status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: reason ?? REASONS[code] ?? 'Unknown',
    code,
  };
  if (details !== undefined) status.details = details;
  return status;
}

export function success(details: StatusDetails): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details, code: 200 };
}

/** `pods`, or `deployments.apps` outside the core group: how messages name a resource. */
export function qualified(plural: string, group: string): string {
  return group === '' ? plural : `${plural}.${group}`;
}

function resourceDetails(plural: string, group: string, name?: string): StatusDetails {
  const details: StatusDetails = {};
  if (name !== undefined) details.name = name;
  if (group !== '') details.group = group;
  details.kind = plural;
  return details;
}

export function notFound(plural: string, group: string, name: string): Status {
  return failure(
    404,
    `${qualified(plural, group)} "${name}" not found`,
    resourceDetails(plural, group, name),
  );
}

/** What the server answers for a path no handler serves (an unknown group, resource or verb). */
export function pathNotFound(): Status {
  return failure(404, 'the server could not find the requested resource', {});
}

export function badRequest(message: string): Status {
  return failure(400, message);
}

export function alreadyExists(plural: string, group: string, name: string): Status {
  return failure(
    409,
    `${qualified(plural, group)} "${name}" already exists`,
    resourceDetails(plural, group, name),
    'AlreadyExists',
  );
}

export function invalid(
  kind: string,
  group: string,
  name: string,
  causes: { field: string; message: string }[],
): Status {
  const text = causes.map((c) => `${c.field}: ${c.message}`).join(', ');
  const details: StatusDetails = { name, kind };
  if (group !== '') details.group = group;
  details.causes = causes.map((c) => ({ reason: 'FieldValueInvalid', message: c.message, field: c.field }));
  return failure(422, `${kind} "${name}" is invalid: ${text}`, details);
}

export interface ForbiddenRequest {
  user: string;
  verb: string;
  plural: string;
  subresource: string;
  group: string;
  namespace: string;
  name: string;
}

/** The RBAC authorizer's wording, down to "at the cluster scope" for cluster-wide requests. */
export function forbidden(r: ForbiddenRequest): Status {
  const subject =
    r.name === '' ? qualified(r.plural, r.group) : `${qualified(r.plural, r.group)} "${r.name}"`;
  const resource = r.subresource === '' ? r.plural : `${r.plural}/${r.subresource}`;
  const scope = r.namespace === '' ? 'at the cluster scope' : `in the namespace "${r.namespace}"`;
  const message =
    `${subject} is forbidden: User "${r.user}" cannot ${r.verb} resource "${resource}" ` +
    `in API group "${r.group}" ${scope}`;
  return failure(403, message, resourceDetails(r.plural, r.group, r.name === '' ? undefined : r.name));
}

/** An injected fault with a code other than 403/404: the real server's usual message for it. */
export function faultStatus(code: number, plural: string, group: string, name: string): Status {
  switch (code) {
    case 401:
      return failure(401, 'Unauthorized');
    case 404:
      return name === '' ? pathNotFound() : notFound(plural, group, name);
    case 409:
      return failure(
        409,
        `Operation cannot be fulfilled on ${qualified(plural, group)} "${name}": the object has been modified; ` +
          'please apply your changes to the latest version and try again',
        resourceDetails(plural, group, name === '' ? undefined : name),
      );
    case 429:
      return failure(429, 'Too many requests, please try again later.', { retryAfterSeconds: 1 });
    case 500:
      return failure(500, 'Internal error occurred: etcdserver: request timed out', {
        causes: [{ message: 'etcdserver: request timed out' }],
      });
    case 503:
      return failure(503, 'the server is currently unable to handle the request');
    case 504:
      return failure(
        504,
        'the server was unable to return a response in the time allotted, but may still be processing the request',
        resourceDetails(plural, group, name === '' ? undefined : name),
      );
    default:
      return failure(code, `the server responded with status ${code}`);
  }
}
