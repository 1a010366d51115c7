/**
 * Flags of the command grammar: which exist, which take no value, how each value is checked.
 * Pure: words in, values or the first problem out.
 */
import { domainProblem, namespaceProblem, objectNameProblem, urlProblem } from '../playbooks/input.js';
import { countProblem, parseServer, timeoutProblem } from '../workers/probe/validate.js';
import type { Output } from './grammar.js';

const OUTPUTS: readonly Output[] = ['text', 'json', 'markdown'];

export type FlagName =
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

export interface Flags {
  values: Partial<Record<FlagName, string>>;
  /** Every value of a repeatable flag (`--server a --server b`). */
  all: Partial<Record<FlagName, string[]>>;
  positional: string[];
}

export function parseFlags(args: readonly string[], allowed: readonly FlagName[]): Flags | string {
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

export function output(f: Flags): Output {
  return (f.values.output as Output | undefined) ?? 'text';
}
