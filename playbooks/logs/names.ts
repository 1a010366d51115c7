import type { NameClass } from './summary-types.js';

/**
 * Search suffixes that clouds put in a node's resolv.conf: a name ending in one of them is the
 * resolver walking its search list, not a name anyone asked for.
 */
const CLOUD_SUFFIXES = ['.internal.', '.reddog.microsoft.com.', '.cloudapp.net.'];

/** Top-level labels that mark "an external name with a cluster suffix glued on". */
const EXTERNAL_TLDS = new Set([
  'com',
  'net',
  'org',
  'io',
  'dev',
  'app',
  'cloud',
  'info',
  'biz',
  'co',
  'ai',
  'cn',
  'de',
  'uk',
  'fr',
  'jp',
  'us',
  'eu',
  'ru',
  'in',
  'br',
  'nl',
  'se',
  'ch',
  'es',
  'it',
  'pl',
  'au',
  'ca',
  'kr',
  'tw',
  'hk',
  'sg',
  'aws',
  'gov',
  'edu',
  'mil',
  'me',
  'tv',
  'xyz',
  'site',
  'online',
  'tech',
  'local',
  'localhost',
  'example',
]);

/** TLDs nobody names a namespace after: `x.example.com.svc.<d>` is `x.example.com` plus `svc.<d>`. */
const NAMESPACE_TLDS = new Set([
  'com',
  'net',
  'org',
  'io',
  'cn',
  'de',
  'uk',
  'jp',
  'fr',
  'ru',
  'eu',
  'gov',
  'edu',
]);

/**
 * Where a queried name (FQDN with its trailing dot) belongs, given the cluster domain:
 * - `cluster`: a real cluster name: `<svc>.<ns>.svc.<d>`, `<host>.<svc>.<ns>.svc.<d>`,
 *   `_port._proto.<svc>.<ns>.svc.<d>`, `<a-b-c-d>.<ns>.pod.<d>`, or the domain itself;
 * - `search-expansion`: an external name with a search suffix appended by the client's
 *   resolver (`api.example.net.prod.svc.cluster.local.`, `x.ec2.internal.`): NXDOMAIN is normal;
 * - `external`: anything else, which CoreDNS forwards upstream.
 * A heuristic by nature: `a.b.ns.svc` may be a headless pod or `a.b` plus a suffix; an
 * external-looking TLD in the service position decides it.
 */
export function classifyName(fqdn: string, clusterDomain: string): NameClass {
  return nameClassifier(clusterDomain)(fqdn);
}

/** `classifyName` for one domain, with the suffixes computed once (it runs once per log line). */
export function nameClassifier(clusterDomain: string): (fqdn: string) => NameClass {
  const domain = clusterDomain.toLowerCase().replace(/^\.|\.$/g, '');
  const suffix = `.${domain}.`;
  const apex = `${domain}.`;
  // Most names are lower-case already: skip the copy toLowerCase would make.
  return (fqdn) => classify(/[A-Z]/.test(fqdn) ? fqdn.toLowerCase() : fqdn, suffix, apex);
}

function classify(name: string, suffix: string, apex: string): NameClass {
  if (name === apex) return 'cluster';
  if (!name.endsWith(suffix)) {
    for (const s of CLOUD_SUFFIXES) if (name.endsWith(s)) return 'search-expansion';
    return 'external';
  }
  // Walk labels right to left by index (this runs once per log line: no split, few slices).
  const restEnd = name.length - suffix.length;
  const kindDot = name.lastIndexOf('.', restEnd - 1);
  const kind = name.slice(kindDot + 1, restEnd);
  if (kind === 'pod') return dots(name, restEnd) === 2 ? 'cluster' : 'search-expansion';
  if (kind !== 'svc' || kindDot < 0) return 'search-expansion';
  // [...before, ns, 'svc']: `<x>.svc.<d>` is never a record, it is a search step.
  const nsDot = name.lastIndexOf('.', kindDot - 1);
  if (nsDot < 0) return 'search-expansion';
  if (NAMESPACE_TLDS.has(name.slice(nsDot + 1, kindDot))) return 'search-expansion';
  const before = dots(name, nsDot) + 1;
  if (before === 1 || before === 2) {
    const last = name.slice(name.lastIndexOf('.', nsDot - 1) + 1, nsDot);
    return EXTERNAL_TLDS.has(last) ? 'search-expansion' : 'cluster';
  }
  if (before === 3 && name.charCodeAt(0) === 95 && name.charCodeAt(name.indexOf('.') + 1) === 95)
    return 'cluster';
  return 'search-expansion';
}

/** Dots in name[0..end). */
function dots(name: string, end: number): number {
  let n = 0;
  for (let i = name.indexOf('.'); i >= 0 && i < end; i = name.indexOf('.', i + 1)) n++;
  return n;
}
