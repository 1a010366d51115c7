import { normalizeZone } from './corefile.js';
import type { Corefile, Directive, ServerBlock } from './corefile-types.js';

/*
 * Small questions the checks ask of a parsed Corefile. All pure; none throws.
 * "Plugin" here means a directive at the top level of a server block; options inside a
 * plugin's `{ ... }` (health's `lameduck`, forward's `prefer_udp`) are never plugins.
 */

export interface PluginUse {
  server: ServerBlock;
  directive: Directive;
}

/** Every use of plugin `name`, in file order. Names match exactly, as CoreDNS matches them. */
export function plugins(cf: Corefile, name: string): PluginUse[] {
  const out: PluginUse[] = [];
  for (const server of cf.servers) {
    for (const directive of server.directives) {
      if (directive.name === name) out.push({ server, directive });
    }
  }
  return out;
}

/** The first `autopath` directive: none of the managed defaults has one. */
export function autopathEnabled(cf: Corefile): Directive | undefined {
  return plugins(cf, 'autopath')[0]?.directive;
}

/** Whether queries for `.` or the cluster domain pass through a server block with the `log` plugin. */
export function queryLogEnabled(cf: Corefile): boolean {
  const domain = clusterDomain(cf);
  const wanted = new Set(['.', ...(domain === undefined ? [] : [normalizeZone(domain)])]);
  return cf.servers.some(
    (s) => s.keys.some((k) => wanted.has(k.zone)) && s.directives.some((d) => d.name === 'log'),
  );
}

export interface ForwardTarget {
  /** The FROM zone, normalised (`.`, `corp.example.`). */
  zone: string;
  /** Upstreams as written: `/etc/resolv.conf`, `10.0.0.2:53`, `tls://1.1.1.1`, `__PILLAR__CLUSTER__DNS__`. */
  targets: string[];
  /** The `{ ... }` options by name; a repeated option's arguments are concatenated. */
  options: Record<string, string[]>;
  line: number;
  /** Zones of the enclosing server block: `forward .` inside `cluster.local:53` only sees cluster.local. */
  serverZones: string[];
  /** The pre-1.5.0 `proxy` plugin (removed in CoreDNS 1.5.0), read with the same shape. */
  legacyProxy?: true;
}

/** Every `forward` (and old `proxy`) in file order. */
export function forwardTargets(cf: Corefile): ForwardTarget[] {
  const out: ForwardTarget[] = [];
  for (const server of cf.servers) {
    for (const d of server.directives) {
      if (d.name !== 'forward' && d.name !== 'proxy') continue;
      const options: Record<string, string[]> = {};
      for (const opt of d.block) options[opt.name] = [...(options[opt.name] ?? []), ...opt.args];
      const target: ForwardTarget = {
        zone: d.args[0] === undefined ? '' : normalizeZone(d.args[0]),
        targets: d.args.slice(1),
        options,
        line: d.line,
        serverZones: server.keys.map((k) => k.zone),
      };
      if (d.name === 'proxy') target.legacyProxy = true;
      out.push(target);
    }
  }
  return out;
}

/** The zones a forward actually answers: its FROM, or the server block's zones when FROM is `.`. */
function effectiveZones(f: ForwardTarget): string[] {
  return f.zone === '.' && f.serverZones.length > 0 ? f.serverZones : [f.zone];
}

function hasOption(f: ForwardTarget, option: 'prefer_udp' | 'force_tcp'): boolean {
  if (f.options[option] !== undefined) return true;
  // proxy spelled it `protocol dns force_tcp`.
  return f.legacyProxy === true && (f.options['protocol'] ?? []).includes(option);
}

/**
 * Whether a forward has `prefer_udp` / `force_tcp`; with `zone` (`cluster.local` or `cluster.local.`),
 * only forwards answering that zone count, so NodeLocal's `cluster.local:53 { forward . x }` matches.
 */
export function forwardHasOption(cf: Corefile, option: 'prefer_udp' | 'force_tcp', zone?: string): boolean {
  const want = zone === undefined ? undefined : normalizeZone(zone);
  return forwardTargets(cf).some(
    (f) => (want === undefined || effectiveZones(f).includes(want)) && hasOption(f, option),
  );
}

function isReverseZone(zone: string): boolean {
  return zone.includes('/') || /(^|\.)(in-addr|ip6)\.arpa\.?$/i.test(zone);
}

/** The cluster domain (`cluster.local`, no trailing dot) from the first `kubernetes` plugin. */
export function clusterDomain(cf: Corefile): string | undefined {
  const use = plugins(cf, 'kubernetes')[0];
  if (use === undefined) return undefined;
  // Without zone arguments the plugin serves the zones of its server block.
  const zones = use.directive.args.length > 0 ? use.directive.args : use.server.keys.map((k) => k.zone);
  for (const z of zones) {
    const zone = normalizeZone(z);
    if (zone === '.' || isReverseZone(zone)) continue;
    return zone.endsWith('.') ? zone.slice(0, -1) : zone;
  }
  return undefined;
}

export type PodsMode = 'disabled' | 'insecure' | 'verified';

/** The kubernetes plugin's `pods` mode; CoreDNS defaults to disabled when the option is absent. */
export function kubernetesPodsMode(cf: Corefile): PodsMode | undefined {
  const k8s = plugins(cf, 'kubernetes')[0]?.directive;
  if (k8s === undefined) return undefined;
  const pods = k8s.block.find((o) => o.name === 'pods');
  if (pods === undefined) return 'disabled';
  const mode = pods.args[0];
  return mode === 'disabled' || mode === 'insecure' || mode === 'verified' ? mode : undefined;
}

/** Every address or interface named by `bind`, deduplicated, in file order. */
export function bindAddresses(cf: Corefile): string[] {
  const seen = new Set<string>();
  for (const { directive } of plugins(cf, 'bind')) for (const a of directive.args) seen.add(a);
  return [...seen];
}

/** forward's `max_concurrent`, preferring the forward for `.`; undefined when unset or not a number. */
export function maxConcurrent(cf: Corefile): number | undefined {
  const forwards = forwardTargets(cf).filter((f) => f.options['max_concurrent'] !== undefined);
  const chosen = forwards.find((f) => f.zone === '.') ?? forwards[0];
  const value = chosen?.options['max_concurrent']?.[0];
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

interface PluginHistory {
  /** First release that knows the directive; absent = already there in 1.0.0. */
  since?: string;
  /** First release that no longer knows it. */
  removed?: string;
}

/*
 * In-tree plugins by the release that added them, from the CoreDNS release notes (coredns.io blog,
 * notes/coredns-*.md), corefile-migration's versions.go and plugin.cfg. Entries marked `?` could not
 * be pinned to a release; each uses the earliest plausible one so that a check never calls a plugin
 * unknown to a release that in fact has it.
 */
export const PLUGIN_HISTORY: Readonly<Record<string, PluginHistory>> = {
  auto: {},
  autopath: {},
  bind: {},
  cache: {},
  chaos: {},
  debug: {},
  dnssec: {},
  dnstap: {},
  erratic: {},
  errors: {},
  etcd: {},
  file: {},
  health: {},
  hosts: {},
  kubernetes: {},
  loadbalance: {},
  log: {},
  pprof: {},
  prometheus: {},
  rewrite: {},
  root: {},
  secondary: {},
  tls: {},
  trace: {},
  whoami: {},
  startup: { removed: '1.1.0' },
  shutdown: { removed: '1.1.0' },
  // 1.1.4 turned it into a no-op that still parsed; the code went in 1.2.0.
  reverse: { removed: '1.2.0' },
  proxy: { removed: '1.5.0' },
  federation: { removed: '1.7.0' },
  nsid: { since: '1.0.1' },
  template: { since: '1.0.3' },
  route53: { since: '1.0.5' },
  on: { since: '1.0.5' },
  forward: { since: '1.0.6' },
  reload: { since: '1.1.0' },
  metadata: { since: '1.2.0' },
  loop: { since: '1.2.1' },
  k8s_external: { since: '1.3.0' },
  ready: { since: '1.5.0' },
  grpc: { since: '1.5.0' },
  cancel: { since: '1.5.0' },
  any: { since: '1.5.1' }, // ? proposed for 1.5.1 (coredns#2785), in tree by 1.6.5
  azure: { since: '1.6.2' },
  acl: { since: '1.6.3' }, // ? PR coredns#3103 reviewed Aug 2019; 1.6.3 or 1.6.4
  clouddns: { since: '1.6.3' },
  sign: { since: '1.6.3' },
  transfer: { since: '1.6.5' },
  bufsize: { since: '1.6.6' },
  dns64: { since: '1.7.0' },
  local: { since: '1.8.1' },
  minimal: { since: '1.8.4' },
  geoip: { since: '1.8.5' },
  header: { since: '1.8.5' },
  tsig: { since: '1.9.4' },
  view: { since: '1.10.0' },
  timeouts: { since: '1.10.1' },
  multisocket: { since: '1.12.0' },
  automaxprocs: { since: '1.12.0' }, // ? named in the 1.12.0 notes; may not be a Corefile directive
  quic: { since: '1.12.2' },
  nomad: { since: '1.13.0' },
  https3: { since: '1.14.0' }, // ? DoH3 serving arrived in 1.13.2, the plugin shortly after
  proxyproto: { since: '1.14.2' },
};

type Version = [number, number, number];

/** `1.11.3`, `v1.9.4-2`, `CoreDNS-1.8.4`, `v1.11.1-eksbuild.6` → [1, 11, 1]. */
export function parseCoreDnsVersion(version: string): Version | undefined {
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(String(version));
  if (m === null) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

function atLeast(v: Version, release: string): boolean {
  const r = parseCoreDnsVersion(release);
  return r !== undefined && compare(v, r) >= 0;
}

export interface UnknownPlugin {
  name: string;
  line: number;
  /** The release that added it, when a later CoreDNS knows it. Absent: no release ever had it in tree. */
  introducedIn?: string;
  /** The release that dropped it, for plugins this version has outgrown (`proxy` on 1.5.0+). */
  removedIn?: string;
}

/**
 * Plugins CoreDNS `version` would reject with `Unknown directive`. Names in no release at all
 * (external plugins, typos, wrong case) are always listed; with an unreadable version, only those.
 * Not for NodeLocal: node-cache has its own version and plugin set.
 */
export function unknownPlugins(cf: Corefile, version: string): UnknownPlugin[] {
  const v = parseCoreDnsVersion(version);
  const out: UnknownPlugin[] = [];
  for (const server of cf.servers) {
    for (const d of server.directives) {
      // A file import is Caddy's, not a plugin; snippet imports are already expanded.
      if (d.name === 'import') continue;
      const history = Object.hasOwn(PLUGIN_HISTORY, d.name) ? PLUGIN_HISTORY[d.name] : undefined;
      if (history === undefined) {
        out.push({ name: d.name, line: d.line });
      } else if (v !== undefined && history.since !== undefined && !atLeast(v, history.since)) {
        out.push({ name: d.name, line: d.line, introducedIn: history.since });
      } else if (v !== undefined && history.removed !== undefined && atLeast(v, history.removed)) {
        out.push({ name: d.name, line: d.line, removedIn: history.removed });
      }
    }
  }
  return out;
}

/**
 * Plugins whose setup rejects a second use in one server block with "this plugin can only be
 * used once per Server Block" (plugin.ErrOnce). The 1.1.0 notes list most; ready and loop check
 * it in their setup too.
 */
export const ONCE_PER_BLOCK: ReadonlySet<string> = new Set([
  'cache',
  'dnssec',
  'errors',
  'forward',
  'hosts',
  'kubernetes',
  'loop',
  'nsid',
  'pprof',
  'prometheus',
  'ready',
  'reload',
  'root',
]);

/** CoreDNS 1.9.4 (coredns#5127) chains several forwards in one block instead of rejecting them. */
const MULTI_FORWARD_SINCE = '1.9.4';

export interface DuplicatePlugin {
  plugin: string;
  /** Line of the second (or later) use. */
  line: number;
  /** Line of the server block it is in. */
  serverLine: number;
}

/**
 * Second uses of once-per-block plugins, which make startup or reload fail. `forward` counts only
 * before 1.9.4: pass the running version; without one the old rule applies. A duplicate coming
 * from an imported file (AKS and k3s `*.override`) is invisible here: parse that file with
 * parseCorefileFragment and add its directives to the block.
 */
export function duplicatePluginInBlock(cf: Corefile, version?: string): DuplicatePlugin[] {
  const v = version === undefined ? undefined : parseCoreDnsVersion(version);
  const forwardRepeats = v !== undefined && atLeast(v, MULTI_FORWARD_SINCE);
  const out: DuplicatePlugin[] = [];
  for (const server of cf.servers) {
    const seen = new Set<string>();
    for (const d of server.directives) {
      if (!ONCE_PER_BLOCK.has(d.name)) continue;
      if (seen.has(d.name) && !(d.name === 'forward' && forwardRepeats)) {
        out.push({ plugin: d.name, line: d.line, serverLine: server.line });
      }
      seen.add(d.name);
    }
  }
  return out;
}

function within(zone: string, parent: string): boolean {
  return parent === '.' || zone === parent || zone.endsWith(`.${parent}`);
}

export interface ShadowedForward {
  zone: string;
  line: number;
  /** Line of the earlier forward that takes its queries. */
  shadowedBy: number;
}

/**
 * On 1.9.4+ several forwards in one block are tried in order and the first whose zone matches
 * answers, so `forward corp.example ...` after `forward . ...` never sees a query (k3s#12979: an
 * override imported after the default forward). An earlier forward with `except` covering the
 * zone, or with `next` (hand certain rcodes on), does not shadow.
 */
export function shadowedForwards(cf: Corefile): ShadowedForward[] {
  const out: ShadowedForward[] = [];
  for (const server of cf.servers) {
    const forwards = forwardTargets({ ...cf, servers: [server] }).filter((f) => f.legacyProxy !== true);
    forwards.forEach((later, i) => {
      const earlier = forwards.slice(0, i).find((e) => {
        if (e.options['next'] !== undefined) return false;
        const excepted = (e.options['except'] ?? []).some((x) => within(later.zone, normalizeZone(x)));
        return !excepted && within(later.zone, e.zone);
      });
      if (earlier !== undefined) out.push({ zone: later.zone, line: later.line, shadowedBy: earlier.line });
    });
  }
  return out;
}

/**
 * Names the Corefile answers from its own data: `hosts` entries (inline), and the zones of server
 * blocks that serve a `file` or `auto` zone. An upstream's NXDOMAIN for them is expected.
 */
export function servedLocally(cf: Corefile, name: string): boolean {
  const fqdn = `${name.toLowerCase().replace(/\.$/, '')}.`;
  for (const server of cf.servers) {
    for (const d of server.directives) {
      if (
        d.name === 'hosts' &&
        d.block.some((entry) => entry.args.some((n) => `${n.toLowerCase().replace(/\.$/, '')}.` === fqdn))
      )
        return true;
      if (
        (d.name === 'file' || d.name === 'auto') &&
        server.keys.some((k) => k.zone !== '.' && (fqdn === k.zone || fqdn.endsWith(`.${k.zone}`)))
      )
        return true;
    }
  }
  return false;
}
