/**
 * A Prometheus HTTP API stand-in serving the scenario's node facts as node-exporter series.
 * The gatherer owns its PromQL; this evaluator only recognises which node-exporter metric a
 * query is about (and the conntrack entries/limit ratio), applies `{label="..."}` matchers, and
 * answers an instant vector per node that has the fact. Any other query is `bad_data`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NodeFactsSpec, Scenario } from './scenario/types.js';

export interface SimPrometheus {
  url: string;
  close(): Promise<void>;
}

export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

export type QueryResult =
  | { status: 'success'; data: { resultType: 'vector'; result: Sample[] } }
  | { status: 'error'; errorType: 'bad_data'; error: string };

type Fact = (facts: NodeFactsSpec) => number | undefined;

/** Metric name -> the node fact it reports. Longer names first: `..._entries_limit` contains `..._entries`. */
const METRICS: readonly [name: string, fact: Fact][] = [
  ['node_nf_conntrack_entries_limit', (f) => f.conntrackMax],
  ['node_nf_conntrack_entries', (f) => f.conntrackEntries],
  ['node_cpu_seconds_total', (f) => f.cpuBusy],
  ['node_netstat_Tcp_RetransSegs', (f) => f.tcpRetransPerSec],
];

function mentions(query: string, name: string): boolean {
  return new RegExp(`(^|[^A-Za-z0-9_:])${name}($|[^A-Za-z0-9_:])`).test(query);
}

type Matcher = { label: string; op: string; value: string };

function matchers(query: string): Matcher[] {
  const out: Matcher[] = [];
  for (const block of query.matchAll(/\{([^}]*)\}/g)) {
    for (const m of (block[1] ?? '').matchAll(
      /([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g,
    )) {
      out.push({ label: m[1] ?? '', op: m[2] ?? '=', value: (m[3] ?? '').replace(/\\(.)/g, '$1') });
    }
  }
  return out;
}

/**
 * Matchers on the labels this stand-in emits filter nodes; others (`mode="idle"`, `cpu`) pick
 * raw series the scenario's figure already summarises, so they pass.
 */
function accepts(m: Matcher, labels: Record<string, string>): boolean {
  if (!Object.hasOwn(labels, m.label)) return true;
  const actual = labels[m.label] ?? '';
  switch (m.op) {
    case '=':
      return actual === m.value;
    case '!=':
      return actual !== m.value;
    case '=~':
      return new RegExp(`^(?:${m.value})$`).test(actual);
    default:
      return !new RegExp(`^(?:${m.value})$`).test(actual);
  }
}

function internalIp(scenario: Scenario, node: string): string | undefined {
  const object = scenario.objects.find((o) => o.kind === 'Node' && o.metadata.name === node);
  const addresses = (object?.status as { addresses?: { type: string; address: string }[] } | undefined)
    ?.addresses;
  return addresses?.find((a) => a.type === 'InternalIP')?.address;
}

/** Evaluates one instant query against the scenario's node facts, at `time` (unix seconds). */
export function evaluateQuery(scenario: Scenario, query: string, time: number): QueryResult {
  const named = METRICS.filter(([name]) => mentions(query, name));
  let fact: Fact | undefined;
  if (named.length === 1) fact = named[0]?.[1];
  else if (
    named.length === 2 &&
    named.every(([n]) => n.startsWith('node_nf_conntrack_entries')) &&
    query.includes('/')
  ) {
    // Conntrack table usage as a ratio: entries / limit.
    fact = (f) =>
      f.conntrackEntries === undefined || !f.conntrackMax ? undefined : f.conntrackEntries / f.conntrackMax;
  }
  if (fact === undefined) {
    return { status: 'error', errorType: 'bad_data', error: `the simulator cannot evaluate query: ${query}` };
  }
  let filters: Matcher[];
  try {
    filters = matchers(query);
    for (const m of filters) if (m.op === '=~' || m.op === '!~') new RegExp(m.value);
  } catch {
    return { status: 'error', errorType: 'bad_data', error: 'invalid regular expression in label matcher' };
  }
  const result: Sample[] = [];
  for (const [node, facts] of Object.entries(scenario.nodeFacts).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const value = fact(facts);
    if (value === undefined) continue; // no such series on that node
    const metric = { instance: `${internalIp(scenario, node) ?? node}:9100`, node, job: 'node-exporter' };
    if (!filters.every((m) => accepts(m, metric))) continue;
    result.push({ metric, value: [time, String(value)] });
  }
  return { status: 'success', data: { resultType: 'vector', result } };
}

/** Without `time`, an instant query is evaluated at the scenario's now (unix seconds). */
function scenarioTime(scenario: Scenario): number {
  const ms = Date.parse(scenario.now);
  return (Number.isNaN(ms) ? Date.now() : ms) / 1000;
}

async function params(req: IncomingMessage, url: URL): Promise<URLSearchParams> {
  if (req.method !== 'POST') return url.searchParams;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 1024 * 1024) break;
    chunks.push(chunk);
  }
  const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
  for (const [k, v] of url.searchParams) if (!form.has(k)) form.set(k, v);
  return form;
}

function json(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function answer(scenario: Scenario, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sim');
  if (url.pathname === '/-/healthy' || url.pathname === '/-/ready') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(
      url.pathname === '/-/ready' ? 'Prometheus Server is Ready.\n' : 'Prometheus Server is Healthy.\n',
    );
    return;
  }
  if (url.pathname !== '/api/v1/query' || (req.method !== 'GET' && req.method !== 'POST')) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('404 page not found\n');
    return;
  }
  const p = await params(req, url);
  const query = p.get('query');
  if (query === null || query.trim() === '') {
    const error = 'invalid parameter "query": 1:1: parse error: no expression found in input';
    return json(res, 400, { status: 'error', errorType: 'bad_data', error });
  }
  const timeParam = p.get('time');
  // Prometheus takes unix seconds or RFC3339.
  const time =
    timeParam === null
      ? scenarioTime(scenario)
      : /^[\d.]+$/.test(timeParam)
        ? Number(timeParam)
        : Date.parse(timeParam) / 1000;
  if (Number.isNaN(time)) {
    const error = `invalid parameter "time": cannot parse "${timeParam}" to a valid timestamp`;
    return json(res, 400, { status: 'error', errorType: 'bad_data', error });
  }
  const result = evaluateQuery(scenario, query, time);
  json(res, result.status === 'success' ? 200 : 400, result);
}

export async function startPrometheus(
  scenario: Scenario,
  options: { port?: number } = {},
): Promise<SimPrometheus> {
  const server = createServer((req, res) => {
    answer(scenario, req, res).catch(() =>
      json(res, 500, { status: 'error', errorType: 'internal', error: 'failed' }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
