/**
 * The scenario file as written (docs/scenarios.md), as a zod schema. Every object is strict:
 * a misspelt key must fail loudly, or a scenario would silently test less than it says.
 * Kubernetes objects are the exception (loose): they carry the API's own fields.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { CATALOG, HEALTHY, INCONCLUSIVE, isFaultVerdict } from '../../../playbooks/catalog.js';
import { closest, LABEL, parseAddress, parsePodKey, SUBDOMAIN } from './keys.js';

export const STYLES = ['kubeadm', 'eks', 'aks', 'ack', 'k3s', 'gke', 'custom'] as const;
const RCODES = ['NXDOMAIN', 'SERVFAIL', 'REFUSED'] as const;
/** What the simulated DNS servers serve (test/sim/dns/records.ts). */
export const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'SRV', 'TXT', 'PTR'] as const;

/** Kubernetes quantities as metrics.k8s.io prints them: `95m`, `2`, `30Mi`, `1234567Ki`, `12345n`. */
const QUANTITY = /^[0-9]+(\.[0-9]+)?(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
/** RFC 3339 as the API prints times (`2024-08-20T10:00:00Z`, fractions allowed). */
export const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
/** What the API server stand-in serves: group/version per kind, and whether the kind lives in a namespace. */
export const KINDS: Record<string, { apiVersions: readonly string[]; namespaced: boolean }> = {
  Pod: { apiVersions: ['v1'], namespaced: true },
  Service: { apiVersions: ['v1'], namespaced: true },
  ConfigMap: { apiVersions: ['v1'], namespaced: true },
  Endpoints: { apiVersions: ['v1'], namespaced: true },
  ServiceAccount: { apiVersions: ['v1'], namespaced: true },
  Event: { apiVersions: ['v1', 'events.k8s.io/v1'], namespaced: true },
  Node: { apiVersions: ['v1'], namespaced: false },
  Namespace: { apiVersions: ['v1'], namespaced: false },
  Deployment: { apiVersions: ['apps/v1'], namespaced: true },
  DaemonSet: { apiVersions: ['apps/v1'], namespaced: true },
  ReplicaSet: { apiVersions: ['apps/v1'], namespaced: true },
  StatefulSet: { apiVersions: ['apps/v1'], namespaced: true },
  EndpointSlice: { apiVersions: ['discovery.k8s.io/v1'], namespaced: true },
  NetworkPolicy: { apiVersions: ['networking.k8s.io/v1'], namespaced: true },
};

/** Where a custom issue points: `lineOffset` into a block scalar, or `key` for a malformed key. */
interface Pointer {
  lineOffset?: number;
  key?: boolean;
}

function custom(ctx: z.RefinementCtx, message: string, path: (string | number)[] = [], params?: Pointer) {
  ctx.addIssue({ code: 'custom', message, path, ...(params ? { params } : {}) });
}

function unknownId(kind: string, id: string, ids: readonly string[]): string {
  const near = closest(id, ids);
  return `unknown ${kind} "${id}"${near ? ` (did you mean "${near}"?)` : ''}; see docs/failure-catalog.md`;
}

const CHECK_IDS = Object.keys(CATALOG);
const checkId = z.string().superRefine((id, ctx) => {
  if (!Object.hasOwn(CATALOG, id)) custom(ctx, unknownId('check id', id, CHECK_IDS));
});
const verdict = z.string().superRefine((id, ctx) => {
  if (id === HEALTHY || id === INCONCLUSIVE) return;
  if (!Object.hasOwn(CATALOG, id))
    custom(ctx, unknownId('verdict', id, [...CHECK_IDS, HEALTHY, INCONCLUSIVE]));
  else if (!isFaultVerdict(id))
    custom(ctx, `"${id}" is an advisory row, never the verdict: list it in expect.findings`);
});

const stringMap = z.record(z.string(), z.string());
const k8sObject = z
  .looseObject({
    apiVersion: z.string().min(1),
    kind: z.string().min(1),
    metadata: z.looseObject({
      name: z.string().min(1),
      namespace: z.string().min(1).optional(),
      labels: stringMap.optional(),
      annotations: stringMap.optional(),
    }),
  })
  .superRefine((o, ctx) => {
    const known = KINDS[o.kind];
    if (!known) return;
    if (!known.apiVersions.includes(o.apiVersion))
      custom(ctx, `a ${o.kind} is ${known.apiVersions.join(' or ')}, not "${o.apiVersion}"`, ['apiVersion']);
    if (!SUBDOMAIN.test(o.metadata.name) || o.metadata.name.length > 253)
      custom(ctx, `"${o.metadata.name}" is not a valid name (lower-case DNS subdomain)`, [
        'metadata',
        'name',
      ]);
    const ns = o.metadata.namespace;
    if (known.namespaced && ns === undefined)
      custom(ctx, `required for a ${o.kind}`, ['metadata', 'namespace']);
    if (!known.namespaced && ns !== undefined)
      custom(ctx, `a ${o.kind} is cluster-scoped: remove the namespace`, ['metadata', 'namespace']);
    if (ns !== undefined && !LABEL.test(ns))
      custom(ctx, `"${ns}" is not a valid namespace`, ['metadata', 'namespace']);
  });

/** The identity `extends` merges objects by. */
export function objectKey(o: {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}) {
  return `${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

const objects = z.array(k8sObject).superRefine((list, ctx) => {
  const seen = new Map<string, number>();
  list.forEach((o, i) => {
    const first = seen.get(objectKey(o));
    if (first !== undefined) custom(ctx, `the same ${o.kind} as objects[${first}]`, [i, 'metadata', 'name']);
    else seen.set(objectKey(o), i);
  });
});

const usage = z.strictObject({
  cpu: z.string().regex(QUANTITY, 'not a quantity (e.g. 95m)'),
  memory: z.string().regex(QUANTITY, 'not a quantity (e.g. 30Mi)'),
});

const nodeFacts = z
  .strictObject({
    conntrackEntries: z.number().int().min(0).optional(),
    conntrackMax: z.number().int().min(1).optional(),
    cpuBusy: z.number().min(0).max(1).optional(),
    tcpRetransPerSec: z.number().min(0).optional(),
    kernelLog: z.array(z.string()).optional(),
  })
  .superRefine((f, ctx) => {
    if (
      f.conntrackEntries !== undefined &&
      f.conntrackMax !== undefined &&
      f.conntrackEntries > f.conntrackMax
    )
      custom(ctx, `${f.conntrackEntries} entries exceed conntrackMax ${f.conntrackMax}`, [
        'conntrackEntries',
      ]);
  });

function dnsNameProblem(name: string): string | undefined {
  if (name.endsWith('.')) return `write "${name.slice(0, -1)}" without the trailing dot`;
  if (name !== name.toLowerCase()) return `write "${name}" in lower case`;
  return undefined;
}

const dnsServer = z
  .strictObject({
    records: z.record(z.string(), z.record(z.string(), z.array(z.string()).min(1))).optional(),
    rcodes: z.record(z.string(), z.enum(RCODES)).optional(),
    otherwise: z.enum([...RCODES, 'SILENT']).optional(),
    silent: z.enum(['udp', 'tcp', 'both']).optional(),
    truncateAbove: z.number().int().min(12).max(65535).optional(),
    latencyMs: z.number().int().min(0).max(60_000).optional(),
    dropEvery: z.number().int().min(2, 'at least 2 (to drop everything, use silent)').optional(),
    dropOnly: z.enum(['udp', 'tcp']).optional(),
    dropSameSocketPair: z.boolean().optional(),
  })
  .superRefine((s, ctx) => {
    for (const [name, byType] of Object.entries(s.records ?? {})) {
      const bad = dnsNameProblem(name);
      if (bad) custom(ctx, bad, ['records', name]);
      for (const [type, values] of Object.entries(byType)) {
        if (!(RECORD_TYPES as readonly string[]).includes(type))
          custom(ctx, `unknown record type "${type}" (${RECORD_TYPES.join(', ')})`, ['records', name, type]);
        const family = type === 'A' ? 4 : type === 'AAAA' ? 6 : 0;
        values.forEach((v, i) => {
          const at = ['records', name, type, i];
          if (family && isIP(v) !== family) custom(ctx, `"${v}" is not an IPv${family} address`, at);
          if (type === 'SRV' && !/^\d+ \d+ \d+ [a-z0-9_.-]+$/.test(v))
            custom(ctx, `"${v}" is not "priority weight port target" (e.g. "0 100 53 coredns.example")`, at);
        });
      }
    }
    for (const name of Object.keys(s.rcodes ?? {})) {
      const bad = dnsNameProblem(name.replace(/^\*\./, ''));
      if (bad) custom(ctx, bad, ['rcodes', name]);
    }
  });

const apiFault = z.strictObject({
  verb: z.enum(['get', 'list', 'create', 'delete']).optional(),
  resource: z
    .string()
    .regex(/^[a-z]+(\.[a-z0-9-]+)*(\/[a-z]+)?$/, 'a plural resource: pods, pods/log, deployments.apps'),
  namespace: z.string().regex(LABEL, 'not a valid namespace').optional(),
  status: z.number().int().min(200).max(599),
  delayMs: z.number().int().min(0).optional(),
});

function keyed<T extends z.ZodType>(value: T, form: string, ok: (key: string) => boolean) {
  return z.record(z.string(), value).superRefine((map, ctx) => {
    for (const key of Object.keys(map))
      if (!ok(key)) custom(ctx, `key "${key}" is not of the form ${form}`, [key], { key: true });
  });
}

/** Log text: every line as `kubectl logs --timestamps` prints it, so sinceSeconds and previous windows work. */
const logText = z.string().superRefine((text, ctx) => {
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line === '' && i === lines.length - 1) return;
    const stamp = line.slice(0, line.indexOf(' '));
    if (!TIMESTAMP.test(stamp))
      custom(ctx, `log line ${i + 1} does not start with an RFC 3339 timestamp and a space`, [], {
        lineOffset: i,
      });
  });
});

export const TOP_KEYS = [
  'extends',
  'description',
  'style',
  'now',
  'cluster',
  'target',
  'expect',
  'objects',
  'remove',
  'logs',
  'exec',
  'metrics',
  'nodeFacts',
  'dns',
  'faults',
  'kubelet',
  'probePods',
  'network',
] as const;

/** A scenario file as written; required fields that a base may supply are checked after the merge. */
export const fileSchema = z
  .strictObject({
    extends: z.string().regex(LABEL, 'a base name, e.g. kubeadm').optional(),
    description: z.string().min(1),
    style: z.enum(STYLES).optional(),
    now: z.string().regex(TIMESTAMP, 'an RFC 3339 time, e.g. 2024-08-20T10:00:00Z').optional(),
    cluster: z
      .strictObject({
        name: z.string().min(1).optional(),
        version: z
          .string()
          .regex(/^v\d+\.\d+\.\d+/, 'a Kubernetes version, e.g. v1.30.4')
          .optional(),
      })
      .optional(),
    target: z
      .strictObject({
        namespace: z.string().regex(LABEL, 'not a valid namespace'),
        pod: z.string().regex(SUBDOMAIN, 'not a valid pod name'),
        domain: z.string().min(1).optional(),
      })
      .optional(),
    expect: z.strictObject({
      verdict,
      findings: z.array(checkId).optional(),
      absent: z.array(checkId).optional(),
    }),
    objects: objects.optional(),
    remove: z
      .array(
        z.strictObject({
          kind: z.string().min(1),
          name: z.string().min(1),
          namespace: z.string().min(1).optional(),
          apiVersion: z.string().min(1).optional(),
        }),
      )
      .optional(),
    logs: keyed(
      logText.nullable(),
      '<namespace>/<pod>/<container>[@previous]',
      (k) => !!parsePodKey(k, 3, true),
    ).optional(),
    exec: keyed(stringMap.nullable(), '<namespace>/<pod>/<container>', (k) => !!parsePodKey(k, 3)).optional(),
    metrics: z
      .strictObject({
        pods: keyed(
          z.record(z.string(), usage).nullable(),
          '<namespace>/<pod>',
          (k) => !!parsePodKey(k, 2),
        ).optional(),
        nodes: z.record(z.string(), usage.nullable()).optional(),
      })
      .nullable()
      .optional(),
    nodeFacts: z.record(z.string(), nodeFacts.nullable()).optional(),
    dns: keyed(dnsServer.nullable(), '<ip>:<port> (e.g. 10.96.0.10:53)', (k) => !!parseAddress(k)).optional(),
    faults: z
      .strictObject({ latencyMs: z.number().int().min(0).optional(), rules: z.array(apiFault).optional() })
      .optional(),
    kubelet: z
      .strictObject({
        resolvConf: z.string().optional(),
        nodes: z
          .record(
            z.string(),
            z
              .strictObject({
                clusterDNS: z.array(z.string().refine((v) => isIP(v) !== 0, 'an IP address')).optional(),
                resolvConf: z.string().optional(),
              })
              .nullable(),
          )
          .optional(),
      })
      .optional(),
    network: z
      .strictObject({
        refused: z
          .array(z.string().refine((k) => !!parseAddress(k), 'an ip:port address (e.g. 10.96.0.1:443)'))
          .optional(),
      })
      .optional(),
    probePods: z
      .strictObject({
        admissionDenied: z.string().min(1).optional(),
        nodeRejects: z.strictObject({ reason: z.string().min(1), message: z.string() }).optional(),
        hang: z.boolean().optional(),
      })
      .nullable()
      .optional(),
  })
  .superRefine((f, ctx) => {
    if (f.remove && !f.extends) custom(ctx, 'remove only applies with extends', ['remove']);
  });

export type ScenarioFile = z.infer<typeof fileSchema>;
