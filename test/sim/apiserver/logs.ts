/**
 * `GET pods/{name}/log`: the container rules of the API server and the kubelet (which container,
 * waiting to start, previous terminated) with their 400 messages, and the query options
 * (tailLines, sinceSeconds/sinceTime, timestamps, limitBytes) applied to the scenario's text.
 */
import { badRequest, failure, type Status } from './status.js';
import type { Obj } from './store.js';

const STAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})) /;

/** The kubelet's format, Go's RFC3339Nano: fractional zeros trimmed. */
export function rfc3339Nano(ms: number): string {
  return new Date(ms).toISOString().replace(/\.?0+Z$/, 'Z');
}

interface Line {
  /** The timestamp the line carries, if any, and its time. */
  stamp?: string;
  at?: number;
  /** For a line without one, the time it is given: deterministic, so runs repeat. */
  synthetic: number;
  text: string;
}

/**
 * Lines with their times. A line without a stamp of its own gets one deterministically: the
 * previous stamped line's time; lines before any stamp one second apart, ending a second before
 * the first stamp (or before the scenario's now), so a log reads in order.
 */
function parseLines(text: string, now: number): Line[] {
  const raw = text.split('\n');
  if (raw.at(-1) === '') raw.pop();
  const lines = raw.map((line): Line => {
    const m = STAMP.exec(line);
    const at = m?.[1] === undefined ? Number.NaN : Date.parse(m[1]);
    if (m?.[1] === undefined || Number.isNaN(at)) return { synthetic: Number.NaN, text: line };
    return { stamp: m[1], at, synthetic: at, text: line.slice(m[0].length) };
  });
  const first = lines.findIndex((l) => l.at !== undefined);
  const lead = first < 0 ? lines.length : first;
  const anchor = lines[first]?.at ?? now;
  let last = Number.NaN;
  lines.forEach((line, i) => {
    if (line.at !== undefined) last = line.at;
    else line.synthetic = i < lead ? anchor - (lead - i) * 1000 : last;
  });
  return lines;
}

function names(list: unknown): string[] {
  return Array.isArray(list) ? list.map((c) => String((c as { name?: unknown }).name ?? '')) : [];
}

interface ContainerStatus {
  name?: string;
  state?: { waiting?: { reason?: string }; running?: unknown; terminated?: unknown };
  lastState?: { terminated?: unknown };
}

function statusOf(pod: Obj, container: string): ContainerStatus | undefined {
  const status = (pod.status ?? {}) as Record<string, unknown>;
  for (const field of ['containerStatuses', 'initContainerStatuses', 'ephemeralContainerStatuses']) {
    const list = status[field];
    if (!Array.isArray(list)) continue;
    const found = (list as ContainerStatus[]).find((s) => s.name === container);
    if (found !== undefined) return found;
  }
  return undefined;
}

function int(query: URLSearchParams, name: string): number | undefined | 'bad' {
  const value = query.get(name);
  if (value === null || value === '') return undefined;
  return /^-?\d+$/.test(value) ? Number(value) : 'bad';
}

/** The log text for the request, or the Status the real server would answer instead. */
export function podLog(
  pod: Obj,
  logs: Record<string, string>,
  query: URLSearchParams,
  now: number,
): string | Status {
  const name = pod.metadata.name;
  const namespace = String(pod.metadata.namespace ?? '');
  const spec = (pod.spec ?? {}) as Record<string, unknown>;
  const containers = names(spec.containers);
  const inits = names(spec.initContainers);
  let container = query.get('container') ?? '';
  if (container === '') {
    if (containers.length === 0) return badRequest(`a container name must be specified for pod ${name}`);
    if (containers.length > 1) {
      const initPart = inits.length > 0 ? ` or one of the init containers: [${inits.join(' ')}]` : '';
      return badRequest(
        `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]${initPart}`,
      );
    }
    container = containers[0] ?? '';
  }
  if (![...containers, ...inits, ...names(spec.ephemeralContainers)].includes(container)) {
    return badRequest(`container ${container} is not valid for pod ${name}`);
  }

  const tailLines = int(query, 'tailLines');
  const sinceSeconds = int(query, 'sinceSeconds');
  const limitBytes = int(query, 'limitBytes');
  const sinceTime = query.get('sinceTime');
  if (tailLines === 'bad' || sinceSeconds === 'bad' || limitBytes === 'bad') {
    return badRequest('tailLines, sinceSeconds and limitBytes must be integers');
  }
  const invalid = (why: string) => failure(422, `PodLogOptions "${name}" is invalid: ${why}`);
  if (sinceSeconds !== undefined && sinceTime !== null) {
    return invalid('[]: Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified');
  }
  if (sinceSeconds !== undefined && sinceSeconds < 1) {
    return invalid(`sinceSeconds: Invalid value: ${sinceSeconds}: must be greater than 0`);
  }
  if (tailLines !== undefined && tailLines < 0) {
    return invalid(`tailLines: Invalid value: ${tailLines}: must be greater than or equal to 0`);
  }
  if (limitBytes !== undefined && limitBytes < 1) {
    return invalid(`limitBytes: Invalid value: ${limitBytes}: must be greater than 0`);
  }

  // An unscheduled pod has no kubelet to ask: the server answers an empty body.
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  if (spec.nodeName === undefined && phase === 'Pending') return '';

  const key = `${namespace}/${name}/${container}`;
  const previous = query.get('previous') === 'true';
  const status = statusOf(pod, container);
  let text: string | undefined;
  if (previous) {
    text = logs[`${key}@previous`];
    if (text === undefined) {
      return badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
    }
  } else {
    const waiting = status?.state?.waiting;
    const hasLast = status?.lastState?.terminated !== undefined;
    // The kubelet's order: running, terminated, last terminated, and only then waiting.
    if (waiting !== undefined && status?.state?.running === undefined && !hasLast) {
      const reason = waiting.reason ?? '';
      const why =
        reason === 'ErrImagePull'
          ? "image can't be pulled"
          : reason === 'ImagePullBackOff'
            ? 'trying and failing to pull image'
            : reason;
      return badRequest(`container "${container}" in pod "${name}" is waiting to start: ${why}`);
    }
    // Not running but restarted before (CrashLoopBackOff): the kubelet serves the last container.
    const running = status === undefined || status.state?.running !== undefined;
    text = logs[key] ?? (!running && hasLast ? logs[`${key}@previous`] : undefined);
  }
  return render(parseLines(text ?? '', now), { tailLines, sinceSeconds, sinceTime, limitBytes, now, query });
}

interface RenderOptions {
  tailLines: number | undefined;
  sinceSeconds: number | undefined;
  sinceTime: string | null;
  limitBytes: number | undefined;
  now: number;
  query: URLSearchParams;
}

function render(lines: Line[], o: RenderOptions): string | Status {
  const since =
    o.sinceSeconds !== undefined
      ? o.now - o.sinceSeconds * 1000
      : o.sinceTime !== null
        ? Date.parse(o.sinceTime)
        : undefined;
  if (since !== undefined && Number.isNaN(since)) return badRequest(`invalid sinceTime: ${o.sinceTime}`);
  // Lines without a timestamp of their own cannot be placed in time: they are always kept.
  let kept = since === undefined ? lines : lines.filter((l) => l.at === undefined || l.at >= since);
  if (o.tailLines !== undefined) kept = o.tailLines === 0 ? [] : kept.slice(-o.tailLines);
  const withStamps = o.query.get('timestamps') === 'true';
  const out = kept.map((line) => {
    if (!withStamps) return line.text;
    return `${line.stamp ?? rfc3339Nano(line.synthetic)} ${line.text}`;
  });
  let text = out.length === 0 ? '' : `${out.join('\n')}\n`;
  if (o.limitBytes !== undefined) text = Buffer.from(text).subarray(0, o.limitBytes).toString();
  return text;
}
