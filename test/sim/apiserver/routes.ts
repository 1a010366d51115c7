/**
 * The API server's URL layout: `/api/v1/...` for the core group, `/apis/{group}/{version}/...`
 * for the others, with `namespaces/{ns}/` before namespaced resources. Parsing is pure; whether
 * a resource exists is for the handlers to say.
 */

export type Route =
  | { kind: 'version' }
  | { kind: 'health' }
  | { kind: 'api' }
  | { kind: 'apis' }
  | { kind: 'group'; group: string }
  | { kind: 'resources'; group: string; version: string }
  | ResourceRoute;

export interface ResourceRoute {
  kind: 'resource';
  group: string;
  version: string;
  plural: string;
  /** '' for cluster-scoped resources and cluster-wide lists. */
  namespace: string;
  /** '' for collections. */
  name: string;
  subresource: string;
  /** Whether the path went through `namespaces/{ns}/`. */
  namespaced: boolean;
}

function resource(group: string, version: string, rest: string[]): ResourceRoute | undefined {
  const route = (
    plural: string,
    namespace: string,
    name: string,
    subresource: string,
    namespaced: boolean,
  ) => ({
    kind: 'resource' as const,
    group,
    version,
    plural,
    namespace,
    name,
    subresource,
    namespaced,
  });
  const [first, second, third, fourth, fifth] = rest;
  if (first === undefined) return undefined;
  if (first === 'namespaces' && second !== undefined && third !== undefined) {
    // namespaces/{ns}/status and /finalize are subresources of the Namespace itself.
    if (rest.length === 3 && (third === 'status' || third === 'finalize')) {
      return route('namespaces', '', second, third, false);
    }
    if (rest.length > 5) return undefined;
    return route(third, second, fourth ?? '', fifth ?? '', true);
  }
  if (rest.length > 3) return undefined;
  return route(first, '', second ?? '', third ?? '', false);
}

export function parseRoute(pathname: string): Route | undefined {
  let segments: string[];
  try {
    segments = pathname
      .split('/')
      .filter((s) => s !== '')
      .map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
  if (segments.some((s) => s === '.' || s === '..')) return undefined;
  const [root, a, b, ...rest] = segments;
  if (segments.length === 1 && root === 'version') return { kind: 'version' };
  if (segments.length === 1 && (root === 'healthz' || root === 'livez' || root === 'readyz'))
    return { kind: 'health' };
  if (root === 'api') {
    if (a === undefined) return { kind: 'api' };
    if (a !== 'v1') return undefined;
    if (b === undefined) return { kind: 'resources', group: '', version: 'v1' };
    return resource('', 'v1', [b, ...rest]);
  }
  if (root === 'apis') {
    if (a === undefined) return { kind: 'apis' };
    if (b === undefined) return { kind: 'group', group: a };
    if (rest.length === 0) return { kind: 'resources', group: a, version: b };
    return resource(a, b, rest);
  }
  return undefined;
}
