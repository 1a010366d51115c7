import type { NameClass } from './summary-types.js';

/** Name classes as small integers for the log hot path; `NAME_CLASSES[i]` is the public name. */
export const NAME_CLASSES: readonly NameClass[] = ['cluster', 'search-expansion', 'external'];
const CLUSTER = 0;
const EXPANSION = 1;
const EXTERNAL = 2;

/**
 * Search suffixes that clouds put in a node's resolv.conf: a name ending in one of them is the
 * resolver walking its search list, not a name anyone asked for.
 */
const CLOUD_SUFFIXES = ['.internal.', '.reddog.microsoft.com.', '.cloudapp.net.'];

/** Top-level labels that mark "an external name with a cluster suffix glued on". */
const EXTERNAL_TLDS = words(
  'com net org io dev app cloud info biz co ai cn de uk fr jp us eu ru in br nl se ch es it pl au ca kr tw hk sg ' +
    'aws gov edu mil me tv xyz site online tech local localhost example',
);

/** TLDs nobody names a namespace after: `x.example.com.svc.<d>` is `x.example.com` plus `svc.<d>`. */
const NAMESPACE_TLDS = words('com net org io cn de uk jp fr ru eu gov edu');

/** Words grouped by length, so a label is compared in place instead of sliced and hashed. */
function words(list: string): Map<number, string[]> {
  const byLength = new Map<number, string[]>();
  for (const w of list.split(' ')) byLength.set(w.length, [...(byLength.get(w.length) ?? []), w]);
  return byLength;
}

/** text[at..at+word.length) equals the lower-case `word`, ignoring ASCII case. */
function matchesAt(text: string, at: number, word: string): boolean {
  for (let i = 0; i < word.length; i++)
    if ((text.charCodeAt(at + i) | 0x20) !== word.charCodeAt(i)) return false;
  return true;
}

function labelIn(text: string, from: number, to: number, set: Map<number, string[]>): boolean {
  const candidates = set.get(to - from);
  if (!candidates) return false;
  for (const w of candidates) if (matchesAt(text, from, w)) return true;
  return false;
}

/** Dots in text[start..end). */
function dots(text: string, start: number, end: number): number {
  let n = 0;
  for (let i = text.indexOf('.', start); i >= 0 && i < end; i = text.indexOf('.', i + 1)) n++;
  return n;
}

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
  return NAME_CLASSES[nameClassifier(clusterDomain)(fqdn, 0, fqdn.length)] ?? 'external';
}

/**
 * The classifier for one domain over a window text[start..end), returning an index into
 * NAME_CLASSES: the log hot path never makes a string of the name.
 */
export function nameClassifier(clusterDomain: string): (text: string, start: number, end: number) => number {
  const domain = clusterDomain.toLowerCase().replace(/^\.|\.$/g, '');
  // A flat string: charCodeAt on a concatenation (a V8 cons string) is slow in this hot loop.
  const suffix = Buffer.from(`.${domain}.`).toString('latin1');
  return (text, start, end) => classify(text, start, end, suffix);
}

function classify(text: string, start: number, end: number, suffix: string): number {
  const len = end - start;
  // The apex itself (`cluster.local.`): the suffix without its leading dot.
  if (len === suffix.length - 1 && matchesAt(text, start, suffix.slice(1))) return CLUSTER;
  if (len <= suffix.length || !matchesAt(text, end - suffix.length, suffix)) {
    for (const s of CLOUD_SUFFIXES)
      if (len >= s.length && matchesAt(text, end - s.length, s)) return EXPANSION;
    return EXTERNAL;
  }
  // Walk labels right to left by index.
  const restEnd = end - suffix.length;
  const kindDot = text.lastIndexOf('.', restEnd - 1);
  const kindStart = kindDot < start ? start : kindDot + 1;
  if (restEnd - kindStart !== 3) return EXPANSION;
  if (matchesAt(text, kindStart, 'pod')) return dots(text, start, restEnd) === 2 ? CLUSTER : EXPANSION;
  if (!matchesAt(text, kindStart, 'svc') || kindDot < start) return EXPANSION;
  // [...before, ns, 'svc']: `<x>.svc.<d>` is never a record, it is a search step.
  const nsDot = text.lastIndexOf('.', kindDot - 1);
  if (nsDot < start || labelIn(text, nsDot + 1, kindDot, NAMESPACE_TLDS)) return EXPANSION;
  const before = dots(text, start, nsDot) + 1;
  if (before === 1 || before === 2) {
    const lastDot = text.lastIndexOf('.', nsDot - 1);
    return labelIn(text, lastDot < start ? start : lastDot + 1, nsDot, EXTERNAL_TLDS) ? EXPANSION : CLUSTER;
  }
  const second = text.indexOf('.', start) + 1;
  return before === 3 && text.charCodeAt(start) === 95 && text.charCodeAt(second) === 95
    ? CLUSTER
    : EXPANSION;
}
