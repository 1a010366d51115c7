/**
 * The one command grammar: `dnsmedic <command> ...` in a terminal and `/dns <command> ...` in
 * Slack both parse here, so the two never drift. Pure: words in, a typed command or a precise
 * error out. Nothing here touches the cluster, the disk or the network.
 */
export type Output = 'text' | 'json' | 'markdown';

export type Command =
  | { kind: 'explain'; message: string | undefined; output: Output }
  | { kind: 'logs'; file: string; clusterDomain: string | undefined; output: Output }
  | { kind: 'help'; topic: string | undefined }
  | { kind: 'version' };

export type Parsed = { ok: true; command: Command } | { ok: false; error: string };

export const USAGE = `Usage: dnsmedic <command> [options]

Commands:
  explain "<error message>"    What a client's DNS error means and the guide's next step
                               (the message may also come on standard input)
  logs [file|-]                Summarise a CoreDNS log (Step 3 of the guide); - reads standard input:
                               kubectl logs -n kube-system -l k8s-app=kube-dns --timestamps | dnsmedic logs -
  help [command]               This text
  version                      The dnsmedic version

Options:
  --output text|json|markdown  Output format (default text)
  --cluster-domain NAME        Cluster domain for logs (default cluster.local)

Exit codes: 0 done, nothing wrong; 1 a fault was found; 2 bad input; 3 internal error.`;

const OUTPUTS: readonly Output[] = ['text', 'json', 'markdown'];
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

interface Flags {
  output: Output;
  clusterDomain: string | undefined;
  positional: string[];
}

function parseFlags(args: readonly string[], allowed: readonly string[]): Flags | string {
  const flags: Flags = { output: 'text', clusterDomain: undefined, positional: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') {
      flags.positional.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      flags.positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (!allowed.includes(name)) return `unknown option --${name}`;
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined || value === '') return `--${name} needs a value`;
    if (name === 'output') {
      if (!OUTPUTS.includes(value as Output))
        return `--output must be one of ${OUTPUTS.join(', ')}, not "${value.slice(0, 40)}"`;
      flags.output = value as Output;
    } else if (name === 'cluster-domain') {
      const domain = value.toLowerCase().replace(/\.$/, '');
      if (!DOMAIN.test(domain)) return `--cluster-domain "${value.slice(0, 60)}" is not a DNS domain`;
      flags.clusterDomain = domain;
    }
  }
  return flags;
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
    case 'explain': {
      const f = parseFlags(rest, ['output']);
      if (typeof f === 'string') return { ok: false, error: `explain: ${f}` };
      const message = f.positional.join(' ').trim();
      return {
        ok: true,
        command: { kind: 'explain', message: message === '' ? undefined : message, output: f.output },
      };
    }
    case 'logs': {
      const f = parseFlags(rest, ['output', 'cluster-domain']);
      if (typeof f === 'string') return { ok: false, error: `logs: ${f}` };
      if (f.positional.length > 1)
        return { ok: false, error: 'logs: give one file, or - for standard input' };
      return {
        ok: true,
        command: {
          kind: 'logs',
          file: f.positional[0] ?? '-',
          clusterDomain: f.clusterDomain,
          output: f.output,
        },
      };
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
