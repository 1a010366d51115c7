/**
 * What a probe pod is told to do (`dnsmedic probe --spec <json>`) and what it prints back in its
 * log. Both cross a process boundary, so both are validated: a bad spec is refused before any
 * packet, and a log line that is not a well-formed report is "no result", never a crash.
 */
import { z } from 'zod';
import type { ProbeResult, ResolverTrace } from '../../playbooks/model/evidence.js';
import type { NodeReading } from './node-reading.js';
import type { PlannedSeries } from './run-series.js';
import {
  MAX_COUNT,
  MAX_TIMEOUT_MS,
  MIN_COUNT,
  MIN_TIMEOUT_MS,
  nameProblem,
  parseServer,
} from './validate.js';

export const PROBE_SPEC_VERSION = 1;
/** Starts the one log line that carries the report, so other output (warnings) cannot be mistaken for it. */
export const REPORT_MARKER = 'DNSMEDIC-PROBE-REPORT ';
/** A spec bigger than this is not one the worker writes. */
export const MAX_SPEC_BYTES = 256 * 1024;
const MAX_SERIES = 400;
const MAX_NAMES = 20;

const HOPS = ['nodelocal', 'dns-service', 'coredns-pod', 'upstream', 'apiserver'] as const;
const SIDES = ['client', 'coredns'] as const;
const QTYPES = ['A', 'AAAA', 'CNAME', 'SRV', 'TXT', 'PTR', 'NS', 'SOA', 'MX'] as const;

const name = z.string().superRefine((n, ctx) => {
  const problem = nameProblem(n);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});
const host = z.string().superRefine((h, ctx) => {
  const parsed = parseServer(h);
  if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
});
const timeoutMs = z.number().min(MIN_TIMEOUT_MS).max(MAX_TIMEOUT_MS);

const seriesSchema = z.strictObject({
  target: z.strictObject({
    host,
    port: z.number().int().min(1).max(65535),
    hop: z.enum(HOPS),
    side: z.enum(SIDES),
  }),
  query: z.strictObject({
    name,
    type: z.enum(QTYPES),
    transport: z.enum(['udp', 'tcp']),
    timeoutMs,
    edns: z.boolean().optional(),
  }),
  pair: z.enum(['same-socket', 'separate']).optional(),
});

const specSchema = z.strictObject({
  version: z.literal(PROBE_SPEC_VERSION),
  count: z.number().int().min(MIN_COUNT).max(MAX_COUNT),
  timeoutMs,
  series: z.array(seriesSchema).max(MAX_SERIES),
  /** Probe every nameserver of the pod's own resolv.conf too (the CoreDNS side's node upstreams). */
  resolvConfServers: z
    .strictObject({
      hop: z.enum(HOPS),
      side: z.enum(SIDES),
      names: z.array(name).min(1).max(MAX_NAMES),
      /** UDP only unless told (the CoreDNS side asks upstreams as CoreDNS does). */
      transports: z
        .array(z.enum(['udp', 'tcp']))
        .min(1)
        .max(2)
        .optional(),
    })
    .optional(),
  /** TCP connects to the API server as pods reach it (the `kubernetes` Service this pod is told of). */
  apiServer: z.literal(true).optional(),
  /** Read the node's conntrack table and kernel log (only a privileged hostNetwork node probe can). */
  nodeFacts: z.literal(true).optional(),
  /** glibc's and musl's walk of these names through the pod's resolv.conf, each query really sent. */
  traces: z
    .strictObject({
      names: z.array(name).min(1).max(MAX_NAMES),
      /** The probe namespace's search entry stands for the client's (`from`: the entry or its leading labels). */
      searchAs: z.strictObject({ from: name, to: name }).optional(),
    })
    .optional(),
});

export type ProbeSpec = Omit<z.infer<typeof specSchema>, 'series'> & { series: PlannedSeries[] };

/** What the probe prints: the results, and the resolv.conf the kubelet wrote for it (evidence). */
export interface ProbeReport {
  version: typeof PROBE_SPEC_VERSION;
  /** `/etc/resolv.conf` as read in the pod; undefined when it could not be read (see `resolvConfError`). */
  resolvConf?: string;
  resolvConfError?: string;
  results: ProbeResult[];
  traces: ResolverTrace[];
  /** Series not run, with why. */
  skipped: string[];
  /** The node's facts, when the spec asked for them. */
  node?: NodeReading;
  ms: number;
}

/** The spec, or what is wrong with it, in one line naming the field. */
export function parseProbeSpec(text: string): ProbeSpec | string {
  if (Buffer.byteLength(text) > MAX_SPEC_BYTES) return `spec is larger than ${MAX_SPEC_BYTES} bytes`;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return `spec is not JSON: ${(err as Error).message}`;
  }
  const parsed = specSchema.safeParse(raw);
  return parsed.success ? (parsed.data as ProbeSpec) : describe(parsed.error);
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'spec is invalid';
  const path = issue.path.length > 0 ? issue.path.join('.') : '(root)';
  return `spec ${path}: ${issue.message}`;
}

const latency = z.strictObject({ p50: z.number(), p95: z.number(), max: z.number() });
const resultSchema = z.strictObject({
  hop: z.enum(HOPS),
  side: z.enum(SIDES),
  server: z.string().refine((v) => typeof parseServer(v) !== 'string', 'an ip:port address'),
  name: z.string().max(300),
  qtype: z.string().regex(/^[A-Z0-9+-]{1,20}$/),
  transport: z.enum(['udp', 'tcp']),
  mode: z.enum(['same-socket', 'separate']).optional(),
  attempts: z.number().int().min(0),
  answered: z.number().int().min(0),
  rcodes: z.record(z.string().regex(/^[A-Z0-9_]{1,20}$/), z.number().int().min(0)),
  timeouts: z.number().int().min(0),
  truncated: z.number().int().min(0),
  latencyMs: latency.optional(),
  sample: z.string().max(4000).optional(),
});
const traceQuery = z.strictObject({
  name: z.string().max(300),
  qtype: z.string().max(20),
  server: z.string().max(300),
  outcome: z.string().max(40),
});
const traceSchema = z.strictObject({
  libc: z.enum(['glibc', 'musl']),
  name: z.string().max(300),
  queries: z.array(traceQuery).max(2000),
  firstFailure: traceQuery.optional(),
  result: z.enum(['answer', 'nxdomain', 'failure']),
});
const reportSchema = z.strictObject({
  version: z.literal(PROBE_SPEC_VERSION),
  resolvConf: z
    .string()
    .max(64 * 1024)
    .optional(),
  resolvConfError: z.string().max(1000).optional(),
  results: z.array(resultSchema).max(MAX_SERIES * 2),
  traces: z.array(traceSchema).max(MAX_NAMES * 2),
  skipped: z.array(z.string().max(1000)).max(MAX_SERIES * 2),
  node: z
    .strictObject({
      conntrackEntries: z.number().min(0).optional(),
      conntrackMax: z.number().min(0).optional(),
      kernelLog: z.array(z.string().max(1000)).max(200),
      problems: z.array(z.string().max(1000)).max(20),
    })
    .optional(),
  ms: z.number().min(0),
});

export function formatReport(report: ProbeReport): string {
  return `${REPORT_MARKER}${JSON.stringify(report)}`;
}

/** The report in a probe pod's log (its last marked line), or why there is none. */
export function parseProbeReport(log: string): ProbeReport | string {
  const at = log.lastIndexOf(REPORT_MARKER);
  if (at < 0) return 'the probe printed no report';
  const line = log.slice(at + REPORT_MARKER.length).split('\n', 1)[0] ?? '';
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return 'the probe report is not complete JSON (log cut short?)';
  }
  const parsed = reportSchema.safeParse(raw);
  return parsed.success
    ? (parsed.data as ProbeReport)
    : `the probe report is malformed: ${describe(parsed.error).replace(/^spec /, '')}`;
}
