import { FixedBytes } from './fixed-bytes.js';
import type { NameClass } from './summary-types.js';

/** Name classes as small integers for the log hot path; `NAME_CLASSES[i]` is the public name. */
export const NAME_CLASSES: readonly NameClass[] = ['cluster', 'search-expansion', 'external'];
const CLUSTER = 0;
const EXPANSION = 1;
const EXTERNAL = 2;
const DOT = 46;

/** Classifies the name at b[start..end) (raw bytes), returning an index into NAME_CLASSES. */
export type NameClassifier = (b: Uint8Array, start: number, end: number) => number;

/**
 * A string as the bytes the hot path compares: character codes above 255 (which no log byte can
 * equal) become 0xff, which no ASCII word and no UTF-8 byte equals either.
 */
function bytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = Math.min(s.charCodeAt(i), 0xff);
  return b;
}

/**
 * Search suffixes that clouds put in a node's resolv.conf: a name ending in one of them is the
 * resolver walking its search list, not a name anyone asked for.
 */
const CLOUD_SUFFIXES = ['.internal.', '.reddog.microsoft.com.', '.cloudapp.net.'].map(bytes);

/** Top-level labels that mark "an external name with a cluster suffix glued on". */
const EXTERNAL_TLDS = words(
  'com net org io dev app cloud info biz co ai cn de uk fr jp us eu ru in br nl se ch es it pl au ca kr tw hk sg ' +
    'aws gov edu mil me tv xyz site online tech local localhost example',
);

/** TLDs nobody names a namespace after: `x.example.com.svc.<d>` is `x.example.com` plus `svc.<d>`. */
const NAMESPACE_TLDS = words('com net org io cn de uk jp fr ru eu gov edu');

/** Words grouped by length (`set[n]` holds the words of n letters), so a label is compared in place. */
function words(list: string): Uint8Array[][] {
  const byLength: Uint8Array[][] = [];
  for (const w of list.split(' ')) byLength[w.length] = [...(byLength[w.length] ?? []), bytes(w)];
  return byLength;
}

/** b[at..at+word.length) equals the lower-case `word`, ignoring ASCII case. */
function matchesAt(b: Uint8Array, at: number, word: Uint8Array): boolean {
  for (let i = word.length - 1; i >= 0; i--) if (((b[at + i] ?? 0) | 0x20) !== word[i]) return false;
  return true;
}

function labelIn(b: Uint8Array, from: number, to: number, set: Uint8Array[][]): boolean {
  const candidates = set[to - from];
  if (!candidates) return false;
  for (const w of candidates) if (matchesAt(b, from, w)) return true;
  return false;
}

/**
 * b[at..at+3) equals the lower-case letters c0 c1 c2, ignoring ASCII case (`svc`, `pod`): unrolled,
 * as a loop costs ~17 instructions a byte here.
 */
function isWord3(b: Uint8Array, at: number, c0: number, c1: number, c2: number): boolean {
  return ((b[at + 2] ?? 0) | 0x20) === c2 && ((b[at + 1] ?? 0) | 0x20) === c1 && ((b[at] ?? 0) | 0x20) === c0;
}

/** The last dot in b[start..from], or -1. */
function lastDot(b: Uint8Array, from: number, start: number): number {
  for (let i = from; i >= start; i--) if (b[i] === DOT) return i;
  return -1;
}

/** Dots in b[start..end). */
function dots(b: Uint8Array, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) if (b[i] === DOT) n++;
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
  const b = bytes(fqdn);
  return NAME_CLASSES[nameClassifier(clusterDomain)(b, 0, b.length)] ?? 'external';
}

/** The classifier for one domain: the log hot path never makes a string of the name. */
export function nameClassifier(clusterDomain: string): NameClassifier {
  const domain = clusterDomain.toLowerCase().replace(/^\.|\.$/g, '');
  // The domain as UTF-8, as it appears in a log.
  const bytes = Buffer.from(`.${domain}.`);
  const suffix = new FixedBytes(bytes.length, true).copyFrom(bytes, 0);
  const apex = new Uint8Array(bytes.subarray(1));
  return (b, start, end) => classify(b, start, end, suffix, apex);
}

function classify(b: Uint8Array, start: number, end: number, suffix: FixedBytes, apex: Uint8Array): number {
  const len = end - start;
  // The apex itself (`cluster.local.`): the suffix without its leading dot.
  if (len === apex.length && matchesAt(b, start, apex)) return CLUSTER;
  if (len <= suffix.length || !suffix.matches(b, end - suffix.length)) {
    for (const s of CLOUD_SUFFIXES) if (len >= s.length && matchesAt(b, end - s.length, s)) return EXPANSION;
    return EXTERNAL;
  }
  // Walk labels right to left by index. The one before the domain is `svc` or `pod`, after a dot
  // or at the start (neither word holds a dot, so a match is a whole label).
  const restEnd = end - suffix.length;
  const kindStart = restEnd - 3;
  const kindDot = kindStart - 1;
  if (kindStart < start || (kindDot >= start && b[kindDot] !== DOT)) return EXPANSION;
  if (isWord3(b, kindStart, 112, 111, 100)) return dots(b, start, restEnd) === 2 ? CLUSTER : EXPANSION;
  if (!isWord3(b, kindStart, 115, 118, 99) || kindDot < start) return EXPANSION;
  // [...before, ns, 'svc']: `<x>.svc.<d>` is never a record, it is a search step.
  const nsDot = lastDot(b, kindDot - 1, start);
  if (nsDot < 0 || labelIn(b, nsDot + 1, kindDot, NAMESPACE_TLDS)) return EXPANSION;
  // One pass over what precedes the namespace: how many labels, where the last one starts, and
  // (with three) where the second one does. Three or more labels are a search step unless the name
  // starts with `_` (`_port._proto.<svc>`): without one, the pass stops at the third.
  let before = 1;
  let labelStart = start;
  let firstDot = -1;
  const most = b[start] === 95 ? 4 : 3;
  for (let i = nsDot - 1; i >= start && before < most; i--) {
    if (b[i] !== DOT) continue;
    if (before === 1) labelStart = i + 1;
    firstDot = i;
    before++;
  }
  if (before === 1 || before === 2) return labelIn(b, labelStart, nsDot, EXTERNAL_TLDS) ? EXPANSION : CLUSTER;
  return before === 3 && b[start] === 95 && b[firstDot + 1] === 95 ? CLUSTER : EXPANSION;
}
