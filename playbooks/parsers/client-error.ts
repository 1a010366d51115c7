/**
 * Classifies a DNS error message as a client printed it (curl, Go, Java, dig, ...) into the
 * guide's failure categories ("Identify the error"). Pure and total: any input gives a result,
 * unrecognised input gives category 'unknown'.
 */
import type { Symptom } from '../model/evidence.js';
import { RULES } from './client-error/index.js';
import {
  type ClientTool,
  type ErrorCategory,
  normalizeName,
  normalizeServer,
  type Rule,
  TOOL_LABELS,
  type Verdict,
} from './client-error/shared.js';

export type { ClientTool, ErrorCategory } from './client-error/shared.js';

export interface ErrorClassification {
  /** The message after unescaping, trimmed, capped to 4096 chars. */
  input: string;
  /** Stable id of the client that printed the message. */
  tool: ClientTool;
  toolLabel: string;
  category: ErrorCategory;
  /** 'NXDOMAIN' | 'SERVFAIL' | 'REFUSED' | ... when the message names one. */
  rcode?: string;
  /** The domain name in the message, without the trailing dot. */
  name?: string;
  /** The DNS server as `ip:port` when the message names it. */
  server?: string;
  meaning: string;
  nextStep: string;
}

/** The part of a paste we read at all: bounds the work on huge input (a 1 MB log stays cheap). */
const READ_CAP = 65_536;
const INPUT_CAP = 4096;
/** Longer lines are cut before matching: no real error line is this long. */
const LINE_CAP = 4096;

export function classifyClientError(message: string): ErrorClassification {
  try {
    return classify(typeof message === 'string' ? message : '');
  } catch {
    // Defence in depth: the rules should never throw, but a classifier must not take the caller down.
    return result('', undefined, 'The message could not be read.');
  }
}

/** The evidence-model symptom for a classification; undefined when nothing was recognised. */
export function toSymptom(c: ErrorClassification): Symptom | undefined {
  if (c.category === 'unknown') return undefined;
  return c.rcode ? { category: c.category, rcode: c.rcode } : { category: c.category };
}

function classify(message: string): ErrorClassification {
  const text = normalizeInput(message.slice(0, READ_CAP));
  const input = text.slice(0, INPUT_CAP).trim();
  if (text.length === 0) return result(input, undefined, 'No message was given.');
  if (looksBinary(text))
    return result(input, undefined, 'The text looks like binary data, not an error message.');
  const verdict = firstVerdict(text);
  if (!verdict)
    return result(input, undefined, 'No DNS error message this tool knows was found in the text.');
  return result(input, fillFromContext(verdict, text));
}

// ---- input handling --------------------------------------------------------------------------

/** Slack escapes &, < and > and turns hostnames into `<http://x|x>` links. */
export function unescapeSlack(s: string): string {
  return s
    .replace(/<(?:https?|mailto|tel):[^<>|\s]{1,2048}\|([^<>]{0,2048})>/g, '$1')
    .replace(/<((?:https?|mailto|tel):[^<>|\s]{1,2048})>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#0?39;|&#x27;|&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

const QUOTE_PAIRS: Record<string, string> = { '`': '`', '"': '"', "'": "'", '“': '”', '‘': '’' };

function normalizeInput(raw: string): string {
  let t = unescapeSlack(raw)
    .replace(/\r\n?/g, '\n')
    .replace(/[\u200b-\u200d\ufeff]/g, '')
    .replace(/\u00a0/g, ' ')
    // Code fences become line breaks; the lines inside are what matters.
    .replace(/```/g, '\n');
  // A JSON log line carries the message escaped: `\"` quotes and literal `\n` line breaks.
  t = t.replace(/\\"/g, '"');
  if (!t.includes('\n') && t.includes('\\n')) t = t.replace(/\\r?\\n/g, '\n').replace(/\\t/g, '\t');
  // Slack block quotes.
  t = t.replace(/^>[ \t]?/gm, '');
  t = t.trim();
  for (let i = 0; i < 3 && t.length >= 2; i++) {
    const close = QUOTE_PAIRS[t[0] ?? ''];
    if (!close || !t.endsWith(close)) break;
    t = t.slice(1, -close.length).trim();
  }
  return t;
}

/** Control characters (other than whitespace) or replacement characters in more than 1 char of 10. */
function looksBinary(text: string): boolean {
  let odd = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a) || (c >= 0x7f && c <= 0x9f) || c === 0xfffd) odd++;
  }
  return odd * 10 > text.length;
}

// ---- matching --------------------------------------------------------------------------------

interface Line {
  text: string;
  lower: string;
}

function hasKey(lower: string, rule: Rule): boolean {
  return rule.keys.length === 0 || rule.keys.some((k) => lower.includes(k));
}

/** The first rule (in priority order) that matches any line, or the whole text for `whole` rules. */
function firstVerdict(text: string): Verdict | undefined {
  const lower = text.toLowerCase();
  const lines: Line[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.length > LINE_CAP ? raw.slice(0, LINE_CAP) : raw;
    if (line.trim()) lines.push({ text: line, lower: line.toLowerCase() });
  }
  for (const rule of RULES) {
    if (!hasKey(lower, rule)) continue;
    if (rule.whole) {
      const m = rule.re.exec(text);
      const v = m ? rule.build(m, text) : undefined;
      if (v) return v;
      continue;
    }
    for (const line of lines) {
      if (!hasKey(line.lower, rule)) continue;
      const m = rule.re.exec(line.text);
      const v = m ? rule.build(m, text) : undefined;
      if (v) return v;
    }
  }
  return undefined;
}

/** Names and servers printed on other lines of the same paste (dig sections, request context). */
function fillFromContext(v: Verdict, text: string): Verdict {
  const name =
    v.name ??
    normalizeName(
      /host='([^'\s]{1,254})'/.exec(text)?.[1] ??
        /Failed to resolve '([^'\s]{1,254})'/.exec(text)?.[1] ??
        /Failed to open TCP connection to ([^\s:]{1,254}):\d/.exec(text)?.[1] ??
        /^;([^\s;]{1,254})\s+(?:\d{1,10}\s+)?IN\s+[A-Z]{1,10}\s*$/m.exec(text)?.[1],
    );
  const server =
    v.server ??
    normalizeServer(
      /^;; SERVER: ([0-9A-Fa-f.:]{2,64}#\d{1,5})/m.exec(text)?.[1] ??
        /^Server:\s+\S{1,64}\s*\nAddress(?: 1)?:\s+(\S{1,64})/m.exec(text)?.[1],
    );
  return { ...v, name, server };
}

// ---- the answer ------------------------------------------------------------------------------

const TAKEAWAY: Record<Exclude<ErrorCategory, 'unknown'>, string> = {
  nxdomain:
    'A DNS server answered that the name does not exist (or has no address): DNS works, the name or its namespace is wrong, or the record is missing.',
  'no-server':
    'No DNS server answered: the query or its reply was lost on the way (CoreDNS down, kube-proxy, network policy or security group, conntrack).',
  'server-error':
    'A DNS server answered, but with an error: it is reachable and could not or would not resolve the name, often because its upstream failed.',
  temporary:
    'The C library returns EAI_AGAIN both for timeouts and for SERVFAIL: either the DNS server was unreachable or its upstream failed.',
  truncated:
    'The answer was too big for UDP and the client could not get it over TCP (a headless Service with many endpoints, or TCP port 53 blocked).',
  ambiguous:
    'This message cannot tell "the name does not exist" from "no DNS server answered" (the guide: a delay over 5 s suggests unreachable).',
};

function result(input: string, v: Verdict | undefined, why?: string): ErrorClassification {
  const category = v?.category ?? 'unknown';
  const tool = v?.tool ?? 'unknown';
  const meaning = v ? (category === 'unknown' ? v.detail : `${v.detail} ${TAKEAWAY[category]}`) : (why ?? '');
  const out: ErrorClassification = {
    input,
    tool,
    toolLabel: v?.label ?? TOOL_LABELS[tool],
    category,
    meaning,
    nextStep: v?.nextStep ?? nextStep(category, v?.name, v?.server),
  };
  if (v?.rcode) out.rcode = v.rcode;
  if (v?.name) out.name = v.name;
  if (v?.server) out.server = v.server;
  return out;
}

/** Short names, `*.svc...` and `*.cluster.local` are served by CoreDNS itself. */
function isClusterName(name: string): boolean {
  return !name.includes('.') || /\.svc(?:\.|$)/.test(name) || name.endsWith('.cluster.local');
}

function nextStep(category: ErrorCategory, name?: string, server?: string): string {
  const dig = name ? `dig ${name}` : 'dig <name>';
  const external = '"What to do if an external domain name cannot be resolved"';
  const connectivity = 'Diagnose network connectivity between application pods and CoreDNS';
  switch (category) {
    case 'nxdomain':
      if (name && isClusterName(name)) {
        return `Step 1: Check the DNS configuration of the application pod (namespace and search list), then check that the Service or pod behind ${name} exists; for a StatefulSet pod name see "What to do if StatefulSet pod domain names cannot be resolved".`;
      }
      if (name) {
        return `Step 3: Check CoreDNS operational logs for NXDOMAIN on ${name}; if the upstream returns it, see ${external}.`;
      }
      return 'Step 1: Check the DNS configuration of the application pod (the name and its search list), then Step 3: Check CoreDNS operational logs for NXDOMAIN on the name.';
    case 'no-server':
      if (server?.startsWith('169.254.')) {
        return `NodeLocal DNSCache issues: check the node-local-dns pod on this node, then ${connectivity}.`;
      }
      return `Step 2: Check CoreDNS pod status, then ${connectivity} (${dig} @${server?.replace(/:53$/, '') ?? '<kube-dns IP>'} from the pod).`;
    case 'server-error':
      return `Step 3: Check CoreDNS operational logs for SERVFAIL or REFUSED on ${name ?? 'the name'}; if the upstream returns them, see ${external}.`;
    case 'temporary':
      return `Step 3: Check CoreDNS operational logs: SERVFAIL on ${name ?? 'the name'} points at the upstream (${external}); no entry at all means the query was lost (${connectivity}). If it comes and goes, Step 4: Check whether the issue is reproducible.`;
    case 'truncated':
      return '"What to do if headless Service domain names cannot be resolved": the answer exceeds the UDP size (tc flag); send the queries over TCP (use-vc for glibc, a TCP dialer for Go) and make sure TCP port 53 is allowed.';
    case 'ambiguous':
      return `Set up a debug pod and run ${dig} from it (Identify the error): NXDOMAIN means the name does not exist, "connection timed out; no servers could be reached" means the DNS server is unreachable. Then Step 1: Check the DNS configuration of the application pod.`;
    case 'unknown':
      return `Set up a debug pod and reproduce with ${dig} (Identify the error) to get a message the guide's table covers.`;
  }
}
