import type { NameClass } from './summary-types.js';

/**
 * Where a queried name (FQDN with its trailing dot) belongs, given the cluster domain. The rules
 * run in the log scanner (assembly/scanner.ts, `classify`); `classifyName` in scanner.ts asks it
 * for one name. This module holds the classes and the words the rules use.
 * - `cluster`: a real cluster name: `<svc>.<ns>.svc.<d>`, `<host>.<svc>.<ns>.svc.<d>`,
 *   `_port._proto.<svc>.<ns>.svc.<d>`, `<a-b-c-d>.<ns>.pod.<d>`, or the domain itself;
 * - `search-expansion`: an external name with a search suffix appended by the client's
 *   resolver (`api.example.net.prod.svc.cluster.local.`, `x.ec2.internal.`): NXDOMAIN is normal;
 * - `external`: anything else, which CoreDNS forwards upstream.
 * A heuristic by nature: `a.b.ns.svc` may be a headless pod or `a.b` plus a suffix; an
 * external-looking TLD in the service position decides it.
 */

/** Name classes as small integers for the log hot path; `NAME_CLASSES[i]` is the public name. */
export const NAME_CLASSES: readonly NameClass[] = ['cluster', 'search-expansion', 'external'];

/**
 * Search suffixes that clouds put in a node's resolv.conf: a name ending in one of them is the
 * resolver walking its search list, not a name anyone asked for.
 */
export const SEARCH_SUFFIXES: readonly string[] = ['.internal.', '.reddog.microsoft.com.', '.cloudapp.net.'];

/** Top-level labels that mark "an external name with a cluster suffix glued on". */
export const EXTERNAL_TLDS: readonly string[] = (
  'com net org io dev app cloud info biz co ai cn de uk fr jp us eu ru in br nl se ch es it pl au ca kr tw hk sg ' +
  'aws gov edu mil me tv xyz site online tech local localhost example'
).split(' ');

/** TLDs nobody names a namespace after: `x.example.com.svc.<d>` is `x.example.com` plus `svc.<d>`. */
export const NAMESPACE_TLDS: readonly string[] = 'com net org io cn de uk jp fr ru eu gov edu'.split(' ');
