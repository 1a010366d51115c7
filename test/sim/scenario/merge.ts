/**
 * `extends` and defaults (docs/scenarios.md, "Extending a base"), then the checks that need the
 * whole merged cluster: a log for a pod that does not exist is a typo, not a scenario.
 */
import { parsePodKey } from './keys.js';
import { objectKey, type ScenarioFile, TIMESTAMP } from './schema.js';
import type { DnsServerBehaviour, K8sObject, Scenario } from './types.js';

export interface Problem {
  path: (string | number)[];
  message: string;
  /** A line inside a block scalar (a log), 0-based. */
  lineOffset?: number;
}

type Entries<T> = Record<string, T | null> | undefined;

/** Key by key, the file wins; `null` deletes the base's entry. */
function byKey<T>(
  base: Record<string, T>,
  over: Entries<T>,
  mergeEntry?: (a: T, b: T) => T,
): Record<string, T> {
  const out = { ...base };
  for (const [key, value] of Object.entries(over ?? {})) {
    const prior = out[key];
    if (value === null) delete out[key];
    else out[key] = prior !== undefined && mergeEntry ? mergeEntry(prior, value) : value;
  }
  return out;
}

/** One level down: the fields (or commands, containers) the file sets replace the base's. */
function fields<T extends object>(a: T, b: T): T {
  return { ...a, ...b };
}

/** A DNS server's fields, with `records` and `rcodes` merged name by name (the scenario winning). */
function dnsFields(a: DnsServerBehaviour, b: DnsServerBehaviour): DnsServerBehaviour {
  const out = { ...a, ...b };
  if (a.records && b.records) out.records = { ...a.records, ...b.records };
  if (a.rcodes && b.rcodes) out.rcodes = { ...a.rcodes, ...b.rcodes };
  return out;
}

function dropKeys<T>(map: Record<string, T>, drop: (key: string) => boolean): Record<string, T> {
  return Object.fromEntries(Object.entries(map).filter(([k]) => !drop(k)));
}

const EMPTY: Scenario = {
  name: '',
  description: '',
  style: 'custom',
  cluster: { name: '', version: '' },
  now: '',
  target: { namespace: '', pod: '' },
  expect: { verdict: '', findings: [], absent: [] },
  objects: [],
  logs: {},
  metrics: { pods: {}, nodes: {} },
  nodeFacts: {},
  exec: {},
  dns: {},
  faults: { latencyMs: 0, rules: [] },
  kubelet: { nodes: {} },
  probePods: {},
  network: { refused: [] },
};

export function mergeScenario(
  name: string,
  spec: ScenarioFile,
  base: Scenario | undefined,
): { scenario: Scenario; problems: Problem[] } {
  const problems: Problem[] = [];
  const from = base ?? EMPTY;

  // Removal first, so a file may remove a base object and add its own under the same name.
  let objects: K8sObject[] = [...from.objects];
  const removedPods = new Set<string>();
  const removedNodes = new Set<string>();
  for (const [i, r] of (spec.remove ?? []).entries()) {
    const matches = (o: K8sObject) =>
      o.kind === r.kind &&
      o.metadata.name === r.name &&
      (r.namespace === undefined || o.metadata.namespace === r.namespace) &&
      (r.apiVersion === undefined || o.apiVersion === r.apiVersion);
    const gone = objects.filter(matches);
    if (gone.length === 0) {
      const ns = r.namespace ? `${r.namespace}/` : '';
      problems.push({ path: ['remove', i], message: `the base has no ${r.kind} ${ns}${r.name} to remove` });
    }
    for (const o of gone) {
      if (o.kind === 'Pod') removedPods.add(`${o.metadata.namespace}/${o.metadata.name}`);
      if (o.kind === 'Node') removedNodes.add(o.metadata.name);
    }
    objects = objects.filter((o) => !matches(o));
  }
  for (const o of (spec.objects ?? []) as K8sObject[]) {
    const at = objects.findIndex((b) => objectKey(b) === objectKey(o));
    if (at >= 0) objects[at] = o;
    else objects.push(o);
  }

  // A removed pod or node takes its logs, exec outputs, metrics and node facts with it.
  const podGone = (key: string) => removedPods.has(key.split('/').slice(0, 2).join('/'));
  const nodeGone = (key: string) => removedNodes.has(key);
  const baseMetrics = {
    pods: dropKeys(from.metrics.pods, podGone),
    nodes: dropKeys(from.metrics.nodes, nodeGone),
  };
  // `metrics: null` is a cluster without metrics-server; the simulator serves no metrics API when both maps are empty.
  const metrics: Scenario['metrics'] =
    spec.metrics === null
      ? { pods: {}, nodes: {} }
      : {
          pods: byKey(baseMetrics.pods, spec.metrics?.pods, fields),
          nodes: byKey(baseMetrics.nodes, spec.metrics?.nodes),
        };

  const scenario: Scenario = {
    name,
    description: spec.description,
    style: spec.style ?? from.style,
    cluster: { ...from.cluster, ...spec.cluster },
    now: spec.now ?? from.now,
    target: spec.target ?? from.target,
    expect: {
      verdict: spec.expect.verdict,
      findings: spec.expect.findings ?? [],
      absent: spec.expect.absent ?? [],
    },
    objects,
    logs: byKey(dropKeys(from.logs, podGone), spec.logs),
    metrics,
    nodeFacts: byKey(dropKeys(from.nodeFacts, nodeGone), spec.nodeFacts, fields),
    exec: byKey(dropKeys(from.exec, podGone), spec.exec, fields),
    dns: byKey(from.dns, spec.dns, dnsFields),
    faults: spec.faults
      ? { latencyMs: spec.faults.latencyMs ?? 0, rules: spec.faults.rules ?? [] }
      : { latencyMs: from.faults.latencyMs, rules: [...from.faults.rules] },
    kubelet: {
      ...((spec.kubelet?.resolvConf ?? from.kubelet.resolvConf)
        ? { resolvConf: spec.kubelet?.resolvConf ?? from.kubelet.resolvConf }
        : {}),
      nodes: byKey(dropKeys(from.kubelet.nodes, nodeGone), spec.kubelet?.nodes, fields),
    },
    // `probePods: null` restores the default (probe pods succeed).
    probePods: spec.probePods === null ? {} : { ...from.probePods, ...spec.probePods },
    network: { refused: spec.network?.refused ?? [...from.network.refused] },
  };
  if (!base) {
    // What a base would otherwise supply.
    if (spec.style === undefined) problems.push({ path: ['style'], message: 'required (or extends a base)' });
    if (spec.now === undefined) problems.push({ path: ['now'], message: 'required (or extends a base)' });
    if (spec.target === undefined)
      problems.push({ path: ['target'], message: 'required (or extends a base)' });
    if (!spec.cluster?.name)
      problems.push({ path: ['cluster', 'name'], message: 'required (or extends a base)' });
    if (!spec.cluster?.version)
      problems.push({ path: ['cluster', 'version'], message: 'required (or extends a base)' });
  }
  return { scenario, problems };
}

/** Pods (with their containers) and nodes of the merged cluster, for the keyed sections. */
function inventory(objects: K8sObject[]) {
  const pods = new Map<string, Set<string>>();
  const nodes = new Set<string>();
  for (const o of objects) {
    if (o.kind === 'Node') nodes.add(o.metadata.name);
    if (o.kind !== 'Pod') continue;
    const spec = (o.spec ?? {}) as {
      containers?: { name?: unknown }[];
      initContainers?: { name?: unknown }[];
    };
    const names = [...(spec.containers ?? []), ...(spec.initContainers ?? [])].map((c) => String(c.name));
    pods.set(`${o.metadata.namespace}/${o.metadata.name}`, new Set(names));
  }
  return { pods, nodes };
}

export function crossReferenceProblems(s: Scenario): Problem[] {
  const { pods, nodes } = inventory(s.objects);
  const problems: Problem[] = [];
  const podProblem = (section: string, key: string, withContainer: boolean): string | undefined => {
    const k = parsePodKey(key, withContainer ? 3 : 2, section === 'logs');
    if (!k) return undefined; // the schema reported the form already
    const containers = pods.get(`${k.namespace}/${k.pod}`);
    if (!containers) return `no Pod ${k.namespace}/${k.pod} among the objects`;
    if (k.container !== undefined && !containers.has(k.container))
      return `Pod ${k.namespace}/${k.pod} has no container "${k.container}" (it has ${[...containers].join(', ') || 'none'})`;
    return undefined;
  };
  const check = (section: string, keys: string[], withContainer: boolean) => {
    for (const key of keys) {
      const message = podProblem(section, key, withContainer);
      if (message) problems.push({ path: [section, key], message });
    }
  };
  check('logs', Object.keys(s.logs), true);
  const now = Date.parse(s.now);
  for (const [key, text] of Object.entries(s.logs)) {
    text.split('\n').forEach((line, i) => {
      const stamp = line.slice(0, line.indexOf(' '));
      if (TIMESTAMP.test(stamp) && Date.parse(stamp) > now)
        problems.push({
          path: ['logs', key],
          message: `log line ${i + 1} is later than now (${s.now})`,
          lineOffset: i,
        });
    });
  }
  check('exec', Object.keys(s.exec), true);
  if (s.metrics) {
    for (const [key, byContainer] of Object.entries(s.metrics.pods)) {
      const message = podProblem('metrics', key, false);
      if (message) problems.push({ path: ['metrics', 'pods', key], message });
      const containers = pods.get(key);
      for (const c of Object.keys(byContainer))
        if (containers && !containers.has(c))
          problems.push({ path: ['metrics', 'pods', key, c], message: `Pod ${key} has no container "${c}"` });
    }
    for (const node of Object.keys(s.metrics.nodes))
      if (!nodes.has(node))
        problems.push({ path: ['metrics', 'nodes', node], message: `no Node ${node} among the objects` });
  }
  for (const node of Object.keys(s.nodeFacts))
    if (!nodes.has(node))
      problems.push({ path: ['nodeFacts', node], message: `no Node ${node} among the objects` });
  if (s.target.pod !== '' && !pods.has(`${s.target.namespace}/${s.target.pod}`))
    problems.push({
      path: ['target', 'pod'],
      message: `no Pod ${s.target.namespace}/${s.target.pod} among the objects`,
    });
  return problems;
}
