/**
 * How every API call is made: under the concurrency bound, with its own AbortSignal (a
 * per-request timeout joined with the diagnosis deadline) set through the client's middleware,
 * so an abandoned request is really cancelled rather than raced; counted; sent once per key
 * (callers asking for the same resource share one request); and its failure mapped to a
 * `ClusterApiError`. The only place that touches client-node's errors.
 */
import {
  ApiException,
  type ConfigurationOptions,
  Observable,
  type ObservableMiddleware,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import { type ApiErrorKind, ClusterApiError, describeOperation, type Operation } from './errors.js';
import type { Semaphore } from './semaphore.js';

export interface TransportOptions {
  requestTimeoutMs: number;
  semaphore: Semaphore;
  /** The diagnosis deadline: aborts queued and in-flight requests alike. */
  deadline?: AbortSignal;
  /** For the message of requests cut by the deadline. */
  deadlineMs?: number;
}

export type Call = (options: ConfigurationOptions) => Promise<unknown>;

function kindOf(status: number): ApiErrorKind {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 400) return 'bad-request';
  return status >= 500 ? 'server-error' : 'http-error';
}

/** The `message` of a Status body (JSON text or object), else a short excerpt of the body. */
export function statusMessage(body: unknown): string | undefined {
  let value = body;
  if (Buffer.isBuffer(value)) value = value.toString('utf8');
  if (typeof value === 'string') {
    const raw = value;
    try {
      value = JSON.parse(raw);
    } catch {
      const text = raw.trim().slice(0, 200);
      return text === '' ? undefined : text;
    }
  }
  const message = value && typeof value === 'object' ? (value as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : undefined;
}

/** API objects as JSON: client-node's model classes carry `Date`s where the API sends strings. */
export function plain<T>(value: unknown): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export class Transport {
  private sent = 0;
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(private readonly options: TransportOptions) {}

  get requests(): number {
    return this.sent;
  }

  /** The call's result, converted; the first caller's request is shared by all with the same key. */
  read<T>(op: Operation, query: object, call: Call, convert: (raw: unknown) => T): Promise<T> {
    const key = `${describeOperation(op)} ${JSON.stringify(query)}`;
    let pending = this.memo.get(key) as Promise<T> | undefined;
    if (!pending) {
      pending = this.send(op, call).then(convert);
      this.memo.set(key, pending);
    }
    return pending;
  }

  /** A request sent every time (no sharing): a pod's status while waiting, a create, a delete. */
  request<T>(op: Operation, call: Call, convert: (raw: unknown) => T): Promise<T> {
    return this.send(op, call).then(convert);
  }

  private async send(op: Operation, call: Call): Promise<unknown> {
    const { deadline, semaphore, requestTimeoutMs } = this.options;
    let release: () => void;
    try {
      release = await semaphore.acquire(deadline);
    } catch {
      throw this.deadlineError(op);
    }
    const timeout = AbortSignal.timeout(requestTimeoutMs);
    const signal = deadline ? AbortSignal.any([deadline, timeout]) : timeout;
    try {
      return await call(this.callOptions(signal));
    } catch (err) {
      throw this.mapError(err, op, timeout);
    } finally {
      release();
    }
  }

  private callOptions(signal: AbortSignal): ConfigurationOptions {
    const middleware: ObservableMiddleware = {
      pre: (context: RequestContext) => {
        this.sent++;
        context.setSignal(signal);
        return new Observable(Promise.resolve(context));
      },
      post: (response: ResponseContext) => new Observable(Promise.resolve(response)),
    };
    // `append` keeps any middleware of the client's configuration and adds ours per call.
    return { middleware: [middleware], middlewareMergeStrategy: 'append' };
  }

  private deadlineError(op: Operation): ClusterApiError {
    return new ClusterApiError('deadline', op, `deadline of ${this.options.deadlineMs ?? '?'} ms reached`);
  }

  private mapError(err: unknown, op: Operation, timeout: AbortSignal): ClusterApiError {
    if (err instanceof ClusterApiError) return err;
    if (err instanceof ApiException) {
      const status = err.code;
      const message = statusMessage(err.body) ?? `HTTP ${status}`;
      return new ClusterApiError(kindOf(status), op, `API server answered ${status}: ${message}`, status);
    }
    if (this.options.deadline?.aborted) return this.deadlineError(op);
    if (timeout.aborted)
      return new ClusterApiError(
        'timeout',
        op,
        `${describeOperation(op)}: no answer within ${this.options.requestTimeoutMs} ms`,
      );
    const e = err as { name?: string; code?: string; message?: string };
    if (e.name === 'FetchError' || (e.code !== undefined && /^E[A-Z]+$/.test(e.code)))
      return new ClusterApiError('unreachable', op, `cannot reach the API server: ${e.message ?? e.code}`);
    return new ClusterApiError('bad-response', op, `unexpected answer: ${e.message ?? String(err)}`);
  }
}
