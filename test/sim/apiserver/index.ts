/**
 * The simulated Kubernetes API server: real HTTP on 127.0.0.1 that `@kubernetes/client-node`
 * (or kubectl) talks to through the kubeconfig it writes. It serves a scenario's objects, logs
 * and metrics with the real server's paths and semantics, applies the scenario's faults, and
 * records every request so tests can count and inspect them.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { AddressMap } from '../dns/index.js';
import { SimKubelet } from '../kubelet.js';
import type { Scenario } from '../scenario/types.js';
import { Faults } from './faults.js';
import { type HandlerContext, handle, type Reply } from './handler.js';
import type { RbacPolicy } from './rbac.js';
import { Registry } from './registry.js';
import { failure } from './status.js';
import { Store } from './store.js';

export interface SimRequest {
  method: string;
  path: string;
  /** The query string without its `?`. */
  query: string;
  /** The status sent, or 0 when the client went away before the answer. */
  status: number;
  ms: number;
}

export interface SimApiServer {
  url: string;
  requests: SimRequest[];
  /** kubeconfig YAML text pointing at url (skipTLSVerify, a token user, context name = scenario.cluster.name) */
  kubeconfig: string;
  close(): Promise<void>;
}

/** The largest request body accepted; the real server's limit is 3 MiB, ours is smaller on purpose. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Paths the real server opens to unauthenticated clients (system:public-info-viewer). */
const PUBLIC = new Set(['/version', '/healthz', '/livez', '/readyz']);

function kubeconfigFor(scenario: Scenario, url: string, token: string): string {
  const name = scenario.cluster.name;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: url, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'dnsmedic', user: { token } }],
    contexts: [{ name, context: { cluster: name, user: 'dnsmedic', namespace: 'default' } }],
    'current-context': name,
  });
}

type Body = { ok: true; value: unknown } | { ok: false; reply: Reply };

function readBody(req: IncomingMessage): Promise<Body> {
  return new Promise((resolve) => {
    if (req.method === 'GET' || req.method === 'DELETE' || req.method === 'HEAD') {
      req.resume();
      resolve({ ok: true, value: undefined });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        const status = failure(413, `Request entity too large: limit is ${MAX_BODY_BYTES}`);
        resolve({ ok: false, reply: { code: 413, body: status } });
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve({ ok: true, value: undefined });
      try {
        resolve({ ok: true, value: JSON.parse(text) });
      } catch (err) {
        const message = `the body of the request was in an unknown format: ${(err as Error).message}`;
        resolve({ ok: false, reply: { code: 400, body: failure(400, message) } });
      }
    });
    req.on('error', () =>
      resolve({ ok: false, reply: { code: 400, body: failure(400, 'request aborted') } }),
    );
  });
}

function send(res: ServerResponse, reply: Reply, closeAfter: boolean): void {
  if (res.destroyed || res.writableEnded) return;
  const text = reply.text === true ? String(reply.body) : JSON.stringify(reply.body);
  res.writeHead(reply.code, {
    'content-type': reply.text === true ? 'text/plain' : 'application/json',
    'content-length': Buffer.byteLength(text),
    ...(reply.code === 429 ? { 'retry-after': '1' } : {}),
    ...(closeAfter ? { connection: 'close' } : {}),
  });
  res.end(text);
}

export async function startApiServer(
  scenario: Scenario,
  options: { port?: number; addressMap?: AddressMap; rbac?: RbacPolicy } = {},
): Promise<SimApiServer> {
  const registry = new Registry(scenario.objects);
  const store = new Store(registry, scenario.objects);
  const logs = { ...scenario.logs };
  const faults = new Faults(scenario.faults.rules, registry);
  const token = `sim-${scenario.cluster.name}`;
  const requests: SimRequest[] = [];
  // The scenario's instant: log windows, metrics and new objects' timestamps are as of then.
  const parsedNow = Date.parse(scenario.now);
  const now = Number.isNaN(parsedNow) ? Date.now() : parsedNow;
  // Without the scenario's DNS servers, probe pods can reach nothing: every address is refused.
  const kubelet = new SimKubelet(
    scenario,
    registry,
    store,
    logs,
    options.addressMap ?? new AddressMap(),
    now,
  );

  // Pending waits (latency, delayMs) end early on close, so close() never waits on a fault.
  const waits = new Set<() => void>();
  let closing = false;
  const sleep = (ms: number): Promise<void> =>
    ms <= 0 || closing
      ? Promise.resolve()
      : new Promise((resolve) => {
          const done = () => {
            clearTimeout(timer);
            waits.delete(done);
            resolve();
          };
          const timer = setTimeout(done, ms);
          waits.add(done);
        });

  let host = '';
  const server = createServer((req, res) => {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://sim');
    res.on('close', () => {
      requests.push({
        method: req.method ?? '',
        path: url.pathname,
        query: url.search.replace(/^\?/, ''),
        status: res.writableFinished ? res.statusCode : 0,
        ms: performance.now() - started,
      });
    });
    void (async () => {
      const body = await readBody(req);
      if (!body.ok) return send(res, body.reply, true);
      await sleep(scenario.faults.latencyMs);
      const pathname = url.pathname.length > 1 ? url.pathname.replace(/\/$/, '') : url.pathname;
      if (!PUBLIC.has(pathname) && req.headers.authorization !== `Bearer ${token}`) {
        return send(res, { code: 401, body: failure(401, 'Unauthorized') }, false);
      }
      const ctx: HandlerContext = {
        scenario,
        logs,
        kubelet,
        registry,
        store,
        faults,
        host,
        now,
        sleep,
        ...(options.rbac ? { rbac: options.rbac } : {}),
      };
      const method = req.method ?? 'GET';
      const reply = await handle({ method, pathname, query: url.searchParams, body: body.value }, ctx);
      send(res, reply, false);
    })().catch((err: unknown) => {
      send(
        res,
        { code: 500, body: failure(500, `Internal error occurred: ${(err as Error).message}`) },
        true,
      );
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  host = `127.0.0.1:${port}`;
  const url = `http://${host}`;
  return {
    url,
    requests,
    kubeconfig: kubeconfigFor(scenario, url, token),
    close: async () => {
      closing = true;
      kubelet.close();
      for (const done of [...waits]) done();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
