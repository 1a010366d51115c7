/**
 * Validation of what users type (CLI, Slack, probe specs), with messages that say exactly what is
 * wrong. Kubernetes names follow the API's own rules (DNS-1123), so nothing that reaches the
 * cluster or a shell is odd.
 */
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Hostname labels as resolvers accept them; `_` for SRV names such as `_grpc._tcp.api`. */
const DNS_LABEL = /^[A-Za-z0-9_]([-A-Za-z0-9_]{0,61}[A-Za-z0-9_])?$/;

function shown(s: string): string {
  const clipped = s.length > 40 ? `${s.slice(0, 40)}…` : s;
  return JSON.stringify(clipped);
}

/** A namespace: a DNS-1123 label. Returns an error message, or undefined when valid. */
export function namespaceProblem(ns: string): string | undefined {
  if (ns === '') return 'the namespace is empty';
  if (ns.length > 63) return `namespace ${shown(ns)} is longer than 63 characters`;
  if (!LABEL.test(ns))
    return `namespace ${shown(ns)} is not valid: lower-case letters, digits and '-' only, starting and ending with a letter or digit`;
  return undefined;
}

/** A pod or node name: a DNS-1123 subdomain. */
export function objectNameProblem(what: string, name: string): string | undefined {
  if (name === '') return `the ${what} name is empty`;
  if (name.length > 253) return `${what} name ${shown(name)} is longer than 253 characters`;
  if (!SUBDOMAIN.test(name))
    return `${what} name ${shown(name)} is not valid: lower-case letters, digits, '-' and '.' only`;
  return undefined;
}

/** `<namespace>/<pod>`, as kubectl users write it. */
export function parseTarget(text: string): { namespace: string; pod: string } | string {
  const slash = text.indexOf('/');
  if (slash < 0) return `target ${shown(text)} must be <namespace>/<pod>, e.g. shop/web-7d9f`;
  const namespace = text.slice(0, slash);
  const pod = text.slice(slash + 1);
  if (pod === '') return `target ${shown(text)} needs a pod name after the slash`;
  return namespaceProblem(namespace) ?? objectNameProblem('pod', pod) ?? { namespace, pod };
}

/** A DNS name to look up: labels of 1-63, at most 253 in all, an optional trailing dot. */
export function domainProblem(name: string): string | undefined {
  const bare = name.endsWith('.') ? name.slice(0, -1) : name;
  if (bare === '') return 'the name is empty';
  if (bare.length > 253) return `name ${shown(name)} is longer than 253 characters`;
  for (const label of bare.split('.')) {
    if (label === '') return `name ${shown(name)} has an empty label (two dots in a row)`;
    if (label.length > 63) return `name ${shown(name)} has a label longer than 63 characters`;
    if (!/^[\x21-\x7e]+$/.test(label))
      return `name ${shown(name)} is not ASCII: give it in IDNA form (xn--...)`;
    if (!DNS_LABEL.test(label)) return `name ${shown(name)} has an invalid label ${shown(label)}`;
  }
  return undefined;
}

/** An http(s) URL, for --prometheus-url. */
export function urlProblem(text: string): string | undefined {
  try {
    const u = new URL(text);
    return u.protocol === 'http:' || u.protocol === 'https:'
      ? undefined
      : `${shown(text)} is not an http(s) URL`;
  } catch {
    return `${shown(text)} is not a URL`;
  }
}
