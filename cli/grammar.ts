/**
 * The one command grammar: `dnsmedic <command> ...` in a terminal and `/dns <command> ...` in
 * Slack both parse here, so the two never drift. Pure: words in, a typed command or a precise
 * error out. Nothing here touches the cluster, the disk or the network.
 */

import { domainProblem, parseTarget } from '../playbooks/input.js';
import type { Target } from '../playbooks/model/evidence.js';
import { output, parseFlags } from './flags.js';

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
