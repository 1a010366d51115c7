/**
 * The probe plan run from the worker itself ("worker-local"): the guide's connectivity table from
 * the worker's place in the network, not the client's, and reported as such. Client side: every
 * hop (NodeLocal, the DNS Service, each CoreDNS pod) over UDP and TCP for the names that matter,
 * plus A/AAAA pairs from one socket and from two. CoreDNS side: the upstreams the Corefile and
 * the logs name (the node's resolv.conf is out of reach from here).
 */
import type { Evidence, Hop, ProbeEvidence, ProbeResult } from '../../playbooks/model/evidence.js';
import { type Gathered, seen, seenValue, unseen } from '../../playbooks/model/gathered.js';
import { parseAskedName } from '../gather/asked-name.js';
import type { Dialer } from './dialer.js';
import { type PlannedSeries, runPlannedSeries } from './run-series.js';
import type { ProbeTarget } from './series.js';
import { assertValid, countProblem, nameProblem, parseServer, timeoutProblem } from './validate.js';

export interface ProbePlanOptions {
  /** Queries per series; default 20 (the intermittency verdict needs at least that many). */
  count?: number;
  /** Per query (and per TCP retry); default 2000. */
  timeoutMs?: number;
  /** Queries in flight at once over the whole plan; default 600. */
  maxInFlight?: number;
  signal?: AbortSignal;
}

export type { PlannedSeries };

export interface ProbePlan {
  client: PlannedSeries[];
  coredns: PlannedSeries[];
  /** The client side's names (asked name as an FQDN, kubernetes.default, an external name). */
  names: string[];
  /** The names asked of each upstream (failing external names from the logs, or the external name). */
  upstreamNames: string[];
  /** Targets or names left out, with why (an unparsable upstream, an invalid name). */
  skipped: string[];
}

export interface ProbeRun {
  clientProbes: Gathered<ProbeEvidence>;
  corednsSideProbes: Gathered<ProbeEvidence>;
  /** Series not run or failed before sending (an unmapped address, an invalid name), with why. */
  skipped: string[];
}

const DEFAULT_COUNT = 20;
const DEFAULT_TIMEOUT_MS = 2000;
/** Failing external names from the logs probed at each upstream: the most frequent few. */
const MAX_LOGGED_NAMES = 3;
const EXTERNAL_FALLBACK = 'example.com';

/** Builds the plan from gathered evidence. Pure: no packet is sent. */
export function planProbes(e: Evidence, options: ProbePlanOptions = {}): ProbePlan {
  const count = options.count ?? DEFAULT_COUNT;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  assertValid(countProblem(count) ?? timeoutProblem(timeoutMs));
  const skipped: string[] = [];
  const names = clientNames(e, skipped);
  const client: PlannedSeries[] = [];
  const dns = seenValue(e.clusterDns);
  for (const target of clientTargets(e)) {
    for (const name of names) {
      for (const transport of ['udp', 'tcp'] as const) {
        client.push({ target, query: { name, type: 'A', transport, timeoutMs } });
      }
    }
  }
  if (dns && names.length > 0) {
    const target: ProbeTarget = { host: dns.ip, port: 53, hop: 'dns-service', side: 'client' };
    // kubernetes.default must exist: a lost reply is the race, not a missing record.
    const name = names.find((n) => n.startsWith('kubernetes.default.')) ?? names[0] ?? '';
    for (const pair of ['same-socket', 'separate'] as const) {
      client.push({ target, query: { name, type: 'A', transport: 'udp', timeoutMs }, pair });
    }
  }
  const coredns: PlannedSeries[] = [];
  const upstreamNames = loggedExternalNames(e, names);
  for (const target of upstreamTargets(e, skipped)) {
    for (const name of upstreamNames) {
      coredns.push({ target, query: { name, type: 'A', transport: 'udp', timeoutMs } });
    }
  }
  return { client, coredns, names, upstreamNames, skipped };
}

/** Builds and runs the plan; never throws for what the network or the dialer does. */
export async function probeFromWorker(
  dialer: Dialer,
  e: Evidence,
  options: ProbePlanOptions = {},
): Promise<ProbeRun> {
  const plan = planProbes(e, options);
  const count = options.count ?? DEFAULT_COUNT;
  const [client, coredns] = await Promise.all([
    runPlannedSeries(dialer, plan.client, count, options.maxInFlight, options.signal),
    runPlannedSeries(dialer, plan.coredns, count, options.maxInFlight, options.signal),
  ]);
  const skipped = [...plan.skipped, ...client.skipped, ...coredns.skipped];
  return {
    clientProbes: toEvidence(
      client.results,
      plan.client.length,
      'no DNS server address to probe from the client side (the DNS Service IP and CoreDNS pod IPs were not seen)',
      skipped,
    ),
    corednsSideProbes: toEvidence(
      coredns.results,
      plan.coredns.length,
      'no upstream address known: the Corefile forwards to no IP address (e.g. /etc/resolv.conf, which worker-local probing cannot read) and the logs name none',
      skipped,
    ),
    skipped: [...new Set(skipped)],
  };
}

function toEvidence(
  results: (ProbeResult | undefined)[],
  planned: number,
  nothingPlanned: string,
  skipped: string[],
): Gathered<ProbeEvidence> {
  if (planned === 0) return unseen(nothingPlanned);
  const ran = results.filter((r): r is ProbeResult => r !== undefined);
  if (ran.length === 0) return unseen(`no probe could run: ${[...new Set(skipped)].slice(0, 3).join('; ')}`);
  return seen({ where: 'worker-local', results: ran });
}

/** NodeLocal when deployed, the DNS Service IP, every CoreDNS pod IP (endpoints and pods). */
function clientTargets(e: Evidence): ProbeTarget[] {
  const targets: ProbeTarget[] = [];
  const add = (host: string | undefined, hop: Hop) => {
    if (host && typeof parseServer(host) !== 'string' && !targets.some((t) => t.host === host)) {
      targets.push({ host, port: 53, hop, side: 'client' });
    }
  };
  const local = seenValue(e.nodeLocal);
  if (local?.deployed) add(local.localIp, 'nodelocal');
  add(seenValue(e.clusterDns)?.ip, 'dns-service');
  for (const slice of seenValue(e.corednsEndpoints) ?? []) {
    for (const endpoint of slice.endpoints ?? []) for (const ip of endpoint.addresses) add(ip, 'coredns-pod');
  }
  for (const pod of seenValue(e.corednsPods) ?? []) add(pod.status?.podIP, 'coredns-pod');
  return targets;
}

/** The asked name (as an FQDN), `kubernetes.default.svc.<domain>`, and an external name. */
function clientNames(e: Evidence, skipped: string[]): string[] {
  const domain = seenValue(e.clusterDns)?.clusterDomain;
  const asked = seenValue(e.askedName);
  const names: string[] = [];
  let external = EXTERNAL_FALLBACK;
  const typed = e.target.domain?.trim().replace(/\.$/, '').toLowerCase();
  if (typed) {
    const fqdn = askedFqdn(typed, domain, e.target.namespace, asked?.kind);
    const kind = asked?.kind ?? parseAskedName(typed, domain, e.target.namespace).kind;
    if (kind === 'external') {
      external = fqdn;
    } else names.push(fqdn);
  }
  if (domain) names.push(`kubernetes.default.svc.${domain.replace(/^\.|\.$/g, '')}`);
  names.push(external);
  return [...new Set(names)].filter((n) => {
    const problem = nameProblem(n);
    if (problem !== undefined) skipped.push(`name ${JSON.stringify(n)}: ${problem}`);
    return problem === undefined;
  });
}

/** `cart` or `cart.shop` as the search list would complete it, when it is a cluster name. */
function askedFqdn(name: string, domain: string | undefined, ns: string | undefined, kind?: string): string {
  if (!domain) return name;
  const parsed = parseAskedName(name, domain, ns);
  const isCluster = parsed.kind === 'cluster' || (parsed.ifNamespace === true && kind === 'cluster');
  if (!isCluster || !parsed.service || !parsed.namespace) return name;
  const host = parsed.host ? `${parsed.host}.` : '';
  return `${host}${parsed.service}.${parsed.namespace}.svc.${domain.replace(/^\.|\.$/g, '')}`;
}

/** The external names the logs show failing (most frequent first), else the plan's external name. */
function loggedExternalNames(e: Evidence, clientNames: string[]): string[] {
  const failed = (seenValue(e.corednsLogs)?.failedNames ?? [])
    .filter((f) => f.nameClass === 'external' && !f.authoritative)
    .sort((a, b) => b.count - a.count)
    .map((f) => f.name.replace(/\.$/, '').toLowerCase())
    .filter((n) => nameProblem(n) === undefined);
  const unique = [...new Set(failed)].slice(0, MAX_LOGGED_NAMES);
  return unique.length > 0 ? unique : clientNames.slice(-1);
}

/** Upstreams: the Corefile's `forward` targets that are IP addresses, and those the errors plugin logged. */
function upstreamTargets(e: Evidence, skipped: string[]): ProbeTarget[] {
  const targets: ProbeTarget[] = [];
  const add = (text: string) => {
    const parsed = parseServer(text.replace(/^dns:\/\//, ''));
    if (typeof parsed === 'string') {
      skipped.push(`upstream ${JSON.stringify(text)}: ${parsed}`);
      return;
    }
    if (!targets.some((t) => t.host === parsed.host && t.port === parsed.port)) {
      targets.push({ ...parsed, hop: 'upstream', side: 'coredns' });
    }
  };
  for (const server of seenValue(e.corefile)?.parsed.servers ?? []) {
    for (const d of server.directives) {
      if (d.name !== 'forward') continue;
      // Files (/etc/resolv.conf) and tls:// targets are not addresses this plan can query directly.
      for (const arg of d.args.slice(1))
        if (/^(dns:\/\/)?[[\d]/.test(arg) || /^[0-9a-f:]+$/i.test(arg)) add(arg);
    }
  }
  for (const u of seenValue(e.corednsLogs)?.upstreamErrors ?? []) add(u.upstream);
  return targets;
}
