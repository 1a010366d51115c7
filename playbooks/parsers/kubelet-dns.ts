/**
 * The kubelet's rules that produce a pod's resolv.conf (pkg/kubelet/network/dns/dns.go, GetPodDNS):
 * pick a base by dnsPolicy, append dnsConfig, then cut to the nameserver and search limits,
 * emitting DNSConfigForming events. Pure and total.
 */
import type { Pod, PodDnsConfig } from '../model/k8s.js';
import { parseOptionToken, setOption } from './resolv-conf.js';
import type { ResolvConf } from './resolv-conf-types.js';

export interface KubeletDnsInput {
  dnsPolicy?: Pod['spec']['dnsPolicy']; // default ClusterFirst
  hostNetwork?: boolean;
  dnsConfig?: PodDnsConfig;
  namespace: string;
  /** kubelet --cluster-dns (usually the kube-dns Service IP, or NodeLocal's 169.254.20.10). */
  clusterDnsIps: string[];
  /** e.g. cluster.local; empty means the kubelet adds no cluster search domains. */
  clusterDomain: string;
  /** The node's resolv.conf (kubelet --resolv-conf): what Default uses; its search list is appended for ClusterFirst. */
  node: ResolvConf;
  /** e.g. 28. Search limits: 32 domains / 2048 chars from 1.26 (ExpandedDNSConfig on by default), 6 / 256 before. */
  kubernetesMinor?: number;
}

export type KubeletDnsWarningReason =
  | 'DNSConfigForming'
  | 'HostNetworkFallback'
  | 'NoNameservers'
  | 'MissingClusterDNS';

export interface KubeletDnsResult {
  resolvConf: ResolvConf;
  /** ClusterFirst on hostNetwork, or without --cluster-dns, falls back to Default. */
  effectivePolicy: 'ClusterFirst' | 'Default' | 'None';
  /** DNSConfigForming and MissingClusterDNS carry the kubelet's own event text. */
  warnings: { reason: KubeletDnsWarningReason; message: string }[];
}

type Warning = KubeletDnsResult['warnings'][number];
type Policy = KubeletDnsResult['effectivePolicy'];

/** validation.MaxDNSNameservers, also glibc's MAXNS. */
export const MAX_DNS_NAMESERVERS = 3;
/** utilvalidation.DNS1123SubdomainMaxLength: longer search paths are dropped (glibc 2.28 aborts on them). */
export const MAX_DNS_SEARCH_PATH_LENGTH = 253;
export const LEGACY_DNS_SEARCH_LIMITS = { paths: 6, chars: 256 } as const;
export const EXPANDED_DNS_SEARCH_LIMITS = { paths: 32, chars: 2048 } as const;
/**
 * ExpandedDNSConfig: alpha 1.22, beta and on by default in 1.26 (kubernetes#112824), GA and locked
 * on in 1.28. A 1.26/1.27 kubelet uses the old limits only if the gate was turned off.
 */
export const EXPANDED_DNS_CONFIG_MINOR = 26;

/** The kubelet's defaultDNSOptions for ClusterFirst. */
const CLUSTER_FIRST_OPTIONS: [string, string][] = [['ndots', '5']];

export function dnsSearchLimits(kubernetesMinor?: number): { paths: number; chars: number } {
  // Unknown version: assume a current cluster.
  if (kubernetesMinor === undefined || !(kubernetesMinor < EXPANDED_DNS_CONFIG_MINOR)) {
    return EXPANDED_DNS_SEARCH_LIMITS;
  }
  return LEGACY_DNS_SEARCH_LIMITS;
}

/** Go's len(): bytes, not UTF-16 units. */
function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** omitDuplicates: first occurrence wins, order kept. */
function omitDuplicates(items: string[]): string[] {
  return [...new Set(items)];
}

/** The kubelet's own resolv.conf parser trims one trailing dot so `a.` and `a` count once. */
function trimTrailingDot(domain: string): string {
  return domain.endsWith('.') ? domain.slice(0, -1) : domain;
}

/** Options as the kubelet holds them: name -> value, '' for a flag. */
type OptionMap = Map<string, string>;

function optionsFromResolvConf(rc: ResolvConf): OptionMap {
  return new Map(Object.entries(rc.options).map(([k, v]) => [k, v === true ? '' : String(v)]));
}

interface Draft {
  servers: string[];
  searches: string[];
  options: OptionMap;
}

interface PolicyChoice {
  policy: Policy;
  warnings: Warning[];
}

const HOST_NETWORK_FALLBACK =
  'dnsPolicy ClusterFirst on a hostNetwork pod falls back to Default: the pod gets the node resolv.conf and ' +
  'cannot resolve cluster names; use dnsPolicy ClusterFirstWithHostNet for cluster DNS';
const MISSING_CLUSTER_DNS =
  'kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. ' +
  'Falling back to "Default" policy.';

/** getPodDNSType, plus GetPodDNS's fallback when --cluster-dns is empty. */
function choosePolicy(input: KubeletDnsInput): PolicyChoice {
  const requested = input.dnsPolicy ?? 'ClusterFirst';
  if (requested === 'None') return { policy: 'None', warnings: [] };
  if (requested === 'Default') return { policy: 'Default', warnings: [] };
  const warnings: Warning[] = [];
  // The kubelet emits no event for this one: it is ours, because it is a classic surprise.
  if (requested === 'ClusterFirst' && input.hostNetwork === true) {
    return {
      policy: 'Default',
      warnings: [{ reason: 'HostNetworkFallback', message: HOST_NETWORK_FALLBACK }],
    };
  }
  // ClusterFirstWithHostNet, ClusterFirst, and any invalid value (the kubelet treats it as ClusterFirst).
  if (input.clusterDnsIps.length === 0) {
    warnings.push({ reason: 'MissingClusterDNS', message: MISSING_CLUSTER_DNS });
    return { policy: 'Default', warnings };
  }
  return { policy: 'ClusterFirst', warnings };
}

function clusterFirstSearches(input: KubeletDnsInput, nodeSearch: string[]): string[] {
  const domain = input.clusterDomain;
  if (domain === '') return nodeSearch;
  return omitDuplicates([`${input.namespace}.svc.${domain}`, `svc.${domain}`, domain, ...nodeSearch]);
}

function baseDraft(policy: Policy, input: KubeletDnsInput): Draft {
  const nodeSearch = input.node.search.map(trimTrailingDot);
  switch (policy) {
    case 'None':
      return { servers: [], searches: [], options: new Map() };
    case 'ClusterFirst':
      // Node nameservers and options are dropped: the cluster DNS forwards upstream itself.
      return {
        servers: [...input.clusterDnsIps],
        searches: clusterFirstSearches(input, nodeSearch),
        options: new Map(CLUSTER_FIRST_OPTIONS),
      };
    default:
      return {
        servers: [...input.node.nameservers],
        searches: nodeSearch,
        options: optionsFromResolvConf(input.node),
      };
  }
}

/** appendDNSConfig: nameservers and searches appended then deduplicated, options merged by name. */
function appendDnsConfig(draft: Draft, dnsConfig: PodDnsConfig): Draft {
  const options = new Map(draft.options);
  for (const op of dnsConfig.options ?? []) options.set(op.name, op.value ?? '');
  return {
    servers: omitDuplicates([...draft.servers, ...(dnsConfig.nameservers ?? [])]),
    searches: omitDuplicates([...draft.searches, ...(dnsConfig.searches ?? [])]),
    options,
  };
}

function fitNameservers(servers: string[]): { servers: string[]; warning?: Warning } {
  if (servers.length <= MAX_DNS_NAMESERVERS) return { servers };
  const applied = servers.slice(0, MAX_DNS_NAMESERVERS);
  const message =
    'Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: ' +
    applied.join(' ');
  return { servers: applied, warning: { reason: 'DNSConfigForming', message } };
}

/** Cuts whole domains from the end until the joined line fits, as formDNSSearchFitsLimits does. */
function cutToChars(searches: string[], maxChars: number): string[] {
  const total = byteLength(searches.join(' '));
  if (total <= maxChars) return searches;
  let cutLen = 0;
  let cutNum = 0;
  for (let i = searches.length - 1; i >= 0; i--) {
    cutLen += byteLength(searches[i] ?? '') + 1;
    cutNum++;
    if (total - cutLen <= maxChars) break;
  }
  return searches.slice(0, searches.length - cutNum);
}

/** formDNSSearchFitsLimits: count first, then over-long paths, then the line length. */
function fitSearches(
  searches: string[],
  kubernetesMinor?: number,
): { searches: string[]; warning?: Warning } {
  const limits = dnsSearchLimits(kubernetesMinor);
  const counted = searches.slice(0, limits.paths);
  const short = counted.filter((s) => byteLength(s) <= MAX_DNS_SEARCH_PATH_LENGTH);
  const applied = cutToChars(short, limits.chars);
  if (applied.length === searches.length) return { searches };
  const message =
    'Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ' +
    applied.join(' ');
  return { searches: applied, warning: { reason: 'DNSConfigForming', message } };
}

/** Turns the kubelet's option strings into what glibc reads from the `options` line it writes. */
function toResolvConf(servers: string[], searches: string[], options: OptionMap): ResolvConf {
  const rc: ResolvConf = { nameservers: servers, search: searches, options: {}, unknown: [] };
  for (const [name, value] of options) {
    const parsed = parseOptionToken(value === '' ? name : `${name}:${value}`);
    if ('unknown' in parsed) rc.unknown.push(parsed.unknown);
    else setOption(rc.options, parsed.name, parsed.value);
  }
  return rc;
}

function noNameserversWarning(policy: Policy): Warning {
  const why =
    policy === 'None'
      ? 'dnsPolicy None without dnsConfig.nameservers (the API server rejects it: "must provide at least one ' +
        'DNS nameserver when `dnsPolicy` is None")'
      : "the node's resolv.conf has no usable nameserver line";
  return {
    reason: 'NoNameservers',
    message: `The pod's resolv.conf has no nameserver: ${why}; glibc and musl then query 127.0.0.1 inside the pod.`,
  };
}

export function kubeletResolvConf(input: KubeletDnsInput): KubeletDnsResult {
  const { policy, warnings } = choosePolicy(input);
  let draft = baseDraft(policy, input);
  if (input.dnsConfig !== undefined) draft = appendDnsConfig(draft, input.dnsConfig);

  const ns = fitNameservers(draft.servers);
  const search = fitSearches(draft.searches, input.kubernetesMinor);
  if (ns.warning) warnings.push(ns.warning);
  if (search.warning) warnings.push(search.warning);
  if (ns.servers.length === 0) warnings.push(noNameserversWarning(policy));

  return {
    resolvConf: toResolvConf(ns.servers, search.searches, draft.options),
    effectivePolicy: policy,
    warnings,
  };
}

function versionLabel(kubernetesMinor?: number): string {
  return kubernetesMinor === undefined ? 'current Kubernetes' : `Kubernetes 1.${kubernetesMinor}`;
}

/** What the kubelet would cut from this resolv.conf (and, for nameservers, what glibc ignores). */
export function dnsLimitProblems(rc: ResolvConf, kubernetesMinor?: number): string[] {
  const problems: string[] = [];
  const limits = dnsSearchLimits(kubernetesMinor);
  const version = versionLabel(kubernetesMinor);
  if (rc.nameservers.length > MAX_DNS_NAMESERVERS) {
    const ignored = rc.nameservers.slice(MAX_DNS_NAMESERVERS).join(' ');
    problems.push(
      `${rc.nameservers.length} nameservers: only the first ${MAX_DNS_NAMESERVERS} are used ` +
        `(kubelet limit and glibc MAXNS); ignored: ${ignored}`,
    );
  }
  if (rc.search.length > limits.paths) {
    problems.push(
      `${rc.search.length} search domains: over the limit of ${limits.paths} for ${version}; ` +
        'the kubelet drops the rest with a DNSConfigForming event',
    );
  }
  const long = rc.search.filter((s) => byteLength(s) > MAX_DNS_SEARCH_PATH_LENGTH);
  if (long.length > 0) {
    problems.push(
      `${long.length} search domain(s) longer than ${MAX_DNS_SEARCH_PATH_LENGTH} characters: ` +
        'the kubelet drops them (glibc 2.28 aborts on such paths)',
    );
  }
  const chars = byteLength(rc.search.join(' '));
  if (chars > limits.chars) {
    problems.push(
      `search line is ${chars} characters: over the limit of ${limits.chars} for ${version}; ` +
        'the kubelet drops domains from the end until it fits',
    );
  }
  return problems;
}
