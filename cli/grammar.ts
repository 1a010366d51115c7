/**
 * The one command grammar: `dnsmedic <command> ...` in a terminal and `/dns <command> ...` in
 * Slack both parse here, so the two never drift. Pure: words in, a typed command or a precise
 * error out. Nothing here touches the cluster, the disk or the network.
 */

import {
  domainProblem,
  namespaceProblem,
  objectNameProblem,
  parseTarget,
  urlProblem,
} from '../playbooks/input.js';
import type { Target } from '../playbooks/model/evidence.js';
import { countProblem, parseServer, timeoutProblem } from '../workers/probe/validate.js';

export type Output = 'text' | 'json' | 'markdown';

/** Where a diagnosis looks: a client pod (the full playbook), the cluster-wide part, or one node. */
export type DiagnoseScope =
  | { kind: 'pod'; namespace: string; pod: string }
  | { kind: 'cluster' }
  | { kind: 'node'; node: string };

/** What the playbook diagnoses, from the command's scope and --domain. */
export function targetOf(scope: DiagnoseScope, domain: string | undefined): Target {
  const base: Target =
    scope.kind === 'pod'
      ? { namespace: scope.namespace, pod: scope.pod }
      : scope.kind === 'node'
        ? { node: scope.node }
        : {};
  return domain ? { ...base, domain } : base;
}

/** Where probes run: probe pods (creates pods), the machine dnsmedic runs on, or nowhere. */
export interface ProbeChoice {
  /** Undefined: pod in scenario mode; off against a real cluster (read-only unless asked). */
  mode: 'pod' | 'local' | 'off' | undefined;
  namespace: string | undefined;
  image: string | undefined;
  hostNetwork: boolean;
  /** Also the privileged node probe on the client's node (conntrack table, kernel log). */
  nodeProbe: boolean;
}

export interface ClusterAccess {
  kubeconfig: string | undefined;
  context: string | undefined;
  /** Run against the simulator loaded from this scenario file instead of a real cluster. */
  scenario: string | undefined;
  prometheusUrl: string | undefined;
}

export type Command =
  | { kind: 'explain'; message: string | undefined; output: Output }
  | { kind: 'logs'; file: string; clusterDomain: string | undefined; output: Output }
  | ({
      kind: 'diagnose';
      scope: DiagnoseScope | undefined;
      domain: string | undefined;
      output: Output;
      probes: ProbeChoice;
    } & ClusterAccess)
  | {
      kind: 'check';
      domain: string;
      servers: string[];
      count: number;
      timeoutMs: number;
      output: Output;
      /** Ask from a probe pod placed like this pod (its node, its DNS settings) instead of from here. */
      from: { namespace: string; pod: string } | undefined;
      kubeconfig: string | undefined;
      context: string | undefined;
      scenario: string | undefined;
      probeNamespace: string | undefined;
      probeImage: string | undefined;
    }
  | { kind: 'probe'; spec: string }
  | { kind: 'sim-serve'; scenario: string }
  | { kind: 'scenarios'; output: Output }
  | { kind: 'help'; topic: string | undefined }
  | { kind: 'version' };

export type Parsed = { ok: true; command: Command } | { ok: false; error: string };

export const USAGE = `Usage: dnsmedic <command> [options]

Commands:
  diagnose <namespace>/<pod>   The guide's whole walk for one client pod: pod DNS config, CoreDNS,
                               logs, NodeLocal, kube-proxy, node; then the verdict and the fixes
  diagnose --cluster           The cluster-wide part only (CoreDNS, kube-proxy, NodeLocal, upstream)
  diagnose --node <name>       One node's part (NodeLocal, kube-proxy, conntrack, load)
  check <domain> [--server IP[:port]] [--from <namespace>/<pod>]
                               Query a name over UDP and TCP, N times, against a server (default:
                               the nameservers of /etc/resolv.conf): answers, codes, latency. With
                               --from, from a probe pod on that pod's node with its DNS settings
                               (creates a pod), and the glibc and musl walks of the name
  explain "<error message>"    What a client's DNS error means and the guide's next step
                               (the message may also come on standard input)
  logs [file|-]                Summarise a CoreDNS log (Step 3 of the guide); - reads standard input:
                               kubectl logs -n kube-system -l k8s-app=kube-dns --timestamps | dnsmedic logs -
  probe --spec <json>          Run a probe spec where dnsmedic runs (what a probe pod does) and print
                               its report: one line, DNSMEDIC-PROBE-REPORT <json>
  scenarios                    The simulator scenarios shipped with dnsmedic
  sim serve <scenario.yaml>    Run the cluster simulator and write a kubeconfig for any client
  help                         This text
  version                      The dnsmedic version

Options:
  --output text|json|markdown  Output format (default text)
  --domain NAME                diagnose: the name that fails to resolve
  --kubeconfig PATH            diagnose: kubeconfig file (default $KUBECONFIG, ~/.kube/config, in-cluster)
  --context NAME               diagnose: kubeconfig context
  --scenario FILE              diagnose: run against the simulator loaded from a scenario file
  --prometheus-url URL         diagnose: node-exporter facts (conntrack, CPU, retransmissions)
  --probes pod|local|off       diagnose: where DNS probes run: short-lived probe pods on the client's
                               and a CoreDNS node (creates pods), this machine, or nowhere
                               (default: off against a cluster, pod with --scenario)
  --probe-namespace NAME       diagnose: namespace of the probe pods (default dnsmedic-probes)
  --probe-image IMAGE          diagnose: image of the probe pods (dnsmedic's own)
  --probe-host-network         diagnose: let a hostNetwork client get a hostNetwork probe pod
  --node-probe                 diagnose: also a privileged probe pod on the client's node that reads
                               its conntrack table and kernel log (needs --probes pod)
  --cluster-domain NAME        logs: cluster domain (default cluster.local)
  --server IP[:port]           check: the DNS server to ask (repeatable)
  --count N                    check: queries per transport (default 5, at most 1000)
  --timeout MS                 check: per-query timeout in milliseconds (default 2000)
  --from NAMESPACE/POD         check: ask from a probe pod placed like this pod (with --kubeconfig,
                               --context, --scenario, --probe-namespace, --probe-image)

Exit codes: 0 done, nothing wrong; 1 a fault was found; 2 bad input; 3 internal error.`;

const OUTPUTS: readonly Output[] = ['text', 'json', 'markdown'];

type FlagName =
  | 'output'
  | 'cluster-domain'
  | 'domain'
  | 'kubeconfig'
  | 'context'
  | 'scenario'
  | 'prometheus-url'
  | 'node'
  | 'cluster'
  | 'server'
  | 'count'
  | 'timeout'
  | 'spec'
  | 'probes'
  | 'probe-namespace'
  | 'probe-image'
  | 'probe-host-network'
  | 'node-probe'
  | 'from';

/** Flags that take no value. */
const SWITCHES: ReadonlySet<FlagName> = new Set(['cluster', 'probe-host-network', 'node-probe']);

/** Each valued flag's check: an error message, or undefined. */
const CHECKS: Partial<Record<FlagName, (v: string) => string | undefined>> = {
  output: (v) =>
    OUTPUTS.includes(v as Output)
      ? undefined
      : `must be one of ${OUTPUTS.join(', ')}, not ${JSON.stringify(v.slice(0, 40))}`,
  'cluster-domain': (v) =>
    domainProblem(v) ? `${JSON.stringify(v.slice(0, 60))} is not a DNS domain` : undefined,
  domain: domainProblem,
  'prometheus-url': urlProblem,
  probes: (v) =>
    ['pod', 'local', 'off'].includes(v)
      ? undefined
      : `must be one of pod, local, off, not ${JSON.stringify(v.slice(0, 40))}`,
  'probe-namespace': namespaceProblem,
  'probe-image': (v) =>
    /^[a-z0-9][a-z0-9._\-/:@]{0,254}$/i.test(v)
      ? undefined
      : `${JSON.stringify(v.slice(0, 60))} is not an image reference`,
  node: (v) => objectNameProblem('node', v),
  context: (v) => (v.length > 253 ? 'is longer than 253 characters' : undefined),
  server: (v) => {
    const r = parseServer(v);
    return typeof r === 'string' ? r : undefined;
  },
  count: (v) =>
    /^\d{1,7}$/.test(v) ? countProblem(Number(v)) : `${JSON.stringify(v.slice(0, 20))} is not a number`,
  timeout: (v) =>
    /^\d{1,7}$/.test(v)
      ? timeoutProblem(Number(v))
      : `${JSON.stringify(v.slice(0, 20))} is not a number of milliseconds`,
};

interface Flags {
  values: Partial<Record<FlagName, string>>;
  /** Every value of a repeatable flag (`--server a --server b`). */
  all: Partial<Record<FlagName, string[]>>;
  positional: string[];
}

function parseFlags(args: readonly string[], allowed: readonly FlagName[]): Flags | string {
  const flags: Flags = { values: {}, all: {}, positional: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') {
      flags.positional.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      flags.positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = (eq > 0 ? arg.slice(2, eq) : arg.slice(2)) as FlagName;
    if (!allowed.includes(name)) return `unknown option --${name.slice(0, 40)}`;
    if (SWITCHES.has(name)) {
      if (eq > 0) return `--${name} takes no value`;
      flags.values[name] = 'true';
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined || value === '') return `--${name} needs a value`;
    const problem = CHECKS[name]?.(value);
    if (problem) return /^(must|is|")/.test(problem) ? `--${name} ${problem}` : `--${name}: ${problem}`;
    flags.values[name] = value;
    flags.all[name] = [...(flags.all[name] ?? []), value];
  }
  return flags;
}

function output(f: Flags): Output {
  return (f.values.output as Output | undefined) ?? 'text';
}

function diagnose(rest: readonly string[]): Parsed {
  const f = parseFlags(rest, [
    'output',
    'domain',
    'kubeconfig',
    'context',
    'scenario',
    'prometheus-url',
    'node',
    'cluster',
    'probes',
    'probe-namespace',
    'probe-image',
    'probe-host-network',
    'node-probe',
  ]);
  if (typeof f === 'string') return { ok: false, error: `diagnose: ${f}` };
  const modes = [f.positional.length > 0, f.values.cluster !== undefined, f.values.node !== undefined].filter(
    Boolean,
  ).length;
  if (modes > 1)
    return { ok: false, error: 'diagnose: give one of <namespace>/<pod>, --cluster or --node <name>' };
  if (f.positional.length > 1) return { ok: false, error: 'diagnose: give one target, <namespace>/<pod>' };
  let scope: DiagnoseScope | undefined;
  if (f.positional[0] !== undefined) {
    const target = parseTarget(f.positional[0]);
    if (typeof target === 'string') return { ok: false, error: `diagnose: ${target}` };
    scope = { kind: 'pod', ...target };
  } else if (f.values.cluster) scope = { kind: 'cluster' };
  else if (f.values.node) scope = { kind: 'node', node: f.values.node };
  // No scope: only with --scenario, whose own target is used.
  if (!scope && !f.values.scenario)
    return { ok: false, error: 'diagnose: give <namespace>/<pod>, --cluster or --node <name>' };
  const v = f.values;
  if (v['node-probe'] !== undefined && v.probes !== undefined && v.probes !== 'pod')
    return { ok: false, error: 'diagnose: --node-probe runs a probe pod: it needs --probes pod' };
  return {
    ok: true,
    command: {
      kind: 'diagnose',
      scope,
      domain: v.domain,
      output: output(f),
      kubeconfig: v.kubeconfig,
      context: v.context,
      scenario: v.scenario,
      prometheusUrl: v['prometheus-url'],
      probes: {
        mode: v.probes as ProbeChoice['mode'],
        namespace: v['probe-namespace'],
        image: v['probe-image'],
        hostNetwork: v['probe-host-network'] !== undefined,
        nodeProbe: v['node-probe'] !== undefined,
      },
    },
  };
}

export function parseCommand(argv: readonly string[]): Parsed {
  const [name, ...rest] = argv;
  switch (name) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      return { ok: true, command: { kind: 'help', topic: rest[0] } };
    case 'version':
    case '--version':
      return { ok: true, command: { kind: 'version' } };
    case 'diagnose':
      return diagnose(rest);
    case 'explain': {
      const f = parseFlags(rest, ['output']);
      if (typeof f === 'string') return { ok: false, error: `explain: ${f}` };
      const message = f.positional.join(' ').trim();
      return {
        ok: true,
        command: { kind: 'explain', message: message === '' ? undefined : message, output: output(f) },
      };
    }
    case 'logs': {
      const f = parseFlags(rest, ['output', 'cluster-domain']);
      if (typeof f === 'string') return { ok: false, error: `logs: ${f}` };
      if (f.positional.length > 1)
        return { ok: false, error: 'logs: give one file, or - for standard input' };
      const clusterDomain = f.values['cluster-domain']?.toLowerCase().replace(/\.$/, '');
      return {
        ok: true,
        command: { kind: 'logs', file: f.positional[0] ?? '-', clusterDomain, output: output(f) },
      };
    }
    case 'check': {
      const f = parseFlags(rest, [
        'output',
        'server',
        'count',
        'timeout',
        'from',
        'kubeconfig',
        'context',
        'scenario',
        'probe-namespace',
        'probe-image',
      ]);
      if (typeof f === 'string') return { ok: false, error: `check: ${f}` };
      const [domain, ...extra] = f.positional;
      if (domain === undefined || extra.length > 0)
        return { ok: false, error: 'check: give one name to look up' };
      const problem = domainProblem(domain);
      if (problem) return { ok: false, error: `check: ${problem}` };
      const count = Number(f.values.count ?? 5);
      const timeoutMs = Number(f.values.timeout ?? 2000);
      const v = f.values;
      let from: { namespace: string; pod: string } | undefined;
      if (v.from !== undefined) {
        const t = parseTarget(v.from);
        if (typeof t === 'string') return { ok: false, error: `check: --from: ${t}` };
        from = t;
      }
      const clusterOnly = (
        ['kubeconfig', 'context', 'scenario', 'probe-namespace', 'probe-image'] as const
      ).find((k) => v[k] !== undefined);
      if (clusterOnly && !from)
        return { ok: false, error: `check: --${clusterOnly} needs --from <namespace>/<pod>` };
      return {
        ok: true,
        command: {
          kind: 'check',
          domain,
          servers: f.all.server ?? [],
          count,
          timeoutMs,
          output: output(f),
          from,
          kubeconfig: v.kubeconfig,
          context: v.context,
          scenario: v.scenario,
          probeNamespace: v['probe-namespace'],
          probeImage: v['probe-image'],
        },
      };
    }
    case 'probe': {
      const f = parseFlags(rest, ['spec']);
      if (typeof f === 'string') return { ok: false, error: `probe: ${f}` };
      if (f.positional.length > 0 || f.values.spec === undefined)
        return { ok: false, error: 'probe: usage: dnsmedic probe --spec <json>' };
      return { ok: true, command: { kind: 'probe', spec: f.values.spec } };
    }
    case 'scenarios': {
      const f = parseFlags(rest, ['output']);
      if (typeof f === 'string') return { ok: false, error: `scenarios: ${f}` };
      return { ok: true, command: { kind: 'scenarios', output: output(f) } };
    }
    case 'sim': {
      const [sub, file, ...extra] = rest;
      if (sub !== 'serve' || !file || extra.length > 0)
        return { ok: false, error: 'sim: usage: dnsmedic sim serve <scenario.yaml>' };
      return { ok: true, command: { kind: 'sim-serve', scenario: file } };
    }
    default:
      return { ok: false, error: `unknown command "${name.slice(0, 40)}"; try: dnsmedic help` };
  }
}

/**
 * Splits command text as a shell would for simple quoting ("..." and '...'), for Slack, where the
 * text arrives as one string. Unbalanced quotes are an error, not a guess.
 */
export function tokenize(text: string): string[] | string {
  const words: string[] = [];
  let word = '';
  let quote: '"' | "'" | undefined;
  let inWord = false;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote) return `unbalanced ${quote} quote`;
  if (inWord) words.push(word);
  return words;
}
