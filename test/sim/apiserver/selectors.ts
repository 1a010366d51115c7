/**
 * Label and field selectors with the API server's grammar and matching rules: `!=` and `notin`
 * also match objects without the label; a field selector may only name the fields the real server
 * indexes for that resource (anything else is a 400 `field label not supported`).
 */

export type LabelRequirement =
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'exists' | '!'; key: string }
  | { op: 'gt' | 'lt'; key: string; value: number };

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Splits on commas outside parentheses: `a in (x,y),b` -> [`a in (x,y)`, `b`]. */
function splitTop(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function requirement(text: string): Parsed<LabelRequirement> {
  const bad = (why: string): Parsed<LabelRequirement> => ({
    ok: false,
    error: `unable to parse requirement: ${why}`,
  });
  const checkKey = (key: string) => KEY.test(key) && key.length <= 317;
  const checkValue = (value: string) => VALUE.test(value) && value.length <= 63;

  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(text);
  if (set) {
    const [, key = '', op, list = ''] = set;
    const values = list.split(',').map((v) => v.trim());
    if (!checkKey(key)) return bad(`invalid label key "${key}"`);
    const wrong = values.find((v) => !checkValue(v));
    if (wrong !== undefined) return bad(`invalid label value: "${wrong}"`);
    return { ok: true, value: { op: op === 'in' ? 'in' : 'notin', key, values } };
  }
  const cmp = /^([^=!<>\s]+)\s*(==|=|!=|>|<)\s*(.*)$/.exec(text);
  if (cmp) {
    const [, key = '', op, value = ''] = cmp;
    if (!checkKey(key)) return bad(`invalid label key "${key}"`);
    if (op === '>' || op === '<') {
      if (!/^-?\d+$/.test(value)) return bad(`for 'Gt', 'Lt' operators, the value must be an integer`);
      return { ok: true, value: { op: op === '>' ? 'gt' : 'lt', key, value: Number(value) } };
    }
    if (!checkValue(value)) return bad(`invalid label value: "${value}"`);
    return { ok: true, value: { op: op === '!=' ? 'notin' : 'in', key, values: [value] } };
  }
  if (text.startsWith('!')) {
    const key = text.slice(1).trim();
    return checkKey(key) ? { ok: true, value: { op: '!', key } } : bad(`invalid label key "${key}"`);
  }
  return checkKey(text)
    ? { ok: true, value: { op: 'exists', key: text } }
    : bad(`invalid label key "${text}"`);
}

export function parseLabelSelector(text: string): Parsed<LabelRequirement[]> {
  const requirements: LabelRequirement[] = [];
  for (const part of splitTop(text)) {
    const parsed = requirement(part);
    if (!parsed.ok) return parsed;
    requirements.push(parsed.value);
  }
  return { ok: true, value: requirements };
}

export function matchesLabels(
  requirements: readonly LabelRequirement[],
  labels: Record<string, string>,
): boolean {
  return requirements.every((r) => matchesOne(r, labels));
}

function matchesOne(r: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = labels[r.key] ?? '';
  switch (r.op) {
    case 'in':
      return has && r.values.includes(value);
    case 'notin':
      return !has || !r.values.includes(value);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
      return has && /^-?\d+$/.test(value) && Number(value) > r.value;
    case 'lt':
      return has && /^-?\d+$/.test(value) && Number(value) < r.value;
  }
}

export interface FieldRequirement {
  field: string;
  value: string;
  negate: boolean;
}

export function parseFieldSelector(text: string): Parsed<FieldRequirement[]> {
  const requirements: FieldRequirement[] = [];
  for (const part of text.split(',').map((p) => p.trim())) {
    if (part === '') continue;
    const m = /^([^=!]+)(==|=|!=)(.*)$/.exec(part);
    if (!m) return { ok: false, error: `invalid selector: '${text}'; can't understand '${part}'` };
    const [, field = '', op, value = ''] = m;
    requirements.push({ field: field.trim(), value: value.trim(), negate: op === '!=' });
  }
  return { ok: true, value: requirements };
}

type Getter = (o: Record<string, unknown>) => string;

function path(...keys: string[]): Getter {
  return (o) => {
    let at: unknown = o;
    for (const k of keys)
      at = at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[k] : undefined;
    // The server converts absent fields to their zero value: "" (or "false" for booleans).
    return at === undefined || at === null ? '' : String(at);
  };
}

const bool =
  (...keys: string[]): Getter =>
  (o) =>
    path(...keys)(o) === 'true' ? 'true' : 'false';

/** Per storage (see registry.ts), the field labels the real server supports beyond metadata.*. */
const FIELDS: Record<string, Record<string, Getter>> = {
  'pods.': {
    'spec.nodeName': path('spec', 'nodeName'),
    'spec.restartPolicy': path('spec', 'restartPolicy'),
    'spec.schedulerName': path('spec', 'schedulerName'),
    'spec.serviceAccountName': path('spec', 'serviceAccountName'),
    'spec.hostNetwork': bool('spec', 'hostNetwork'),
    'status.phase': path('status', 'phase'),
    'status.podIP': path('status', 'podIP'),
    'status.nominatedNodeName': path('status', 'nominatedNodeName'),
  },
  events: {
    'involvedObject.kind': path('involvedObject', 'kind'),
    'involvedObject.namespace': path('involvedObject', 'namespace'),
    'involvedObject.name': path('involvedObject', 'name'),
    'involvedObject.uid': path('involvedObject', 'uid'),
    'involvedObject.apiVersion': path('involvedObject', 'apiVersion'),
    'involvedObject.resourceVersion': path('involvedObject', 'resourceVersion'),
    'involvedObject.fieldPath': path('involvedObject', 'fieldPath'),
    reason: path('reason'),
    reportingComponent: path('reportingComponent'),
    source: path('source', 'component'),
    type: path('type'),
  },
  'nodes.': { 'spec.unschedulable': bool('spec', 'unschedulable') },
  'namespaces.': { 'status.phase': path('status', 'phase') },
  'secrets.': { type: path('type') },
  'replicasets.apps': { 'status.replicas': path('status', 'replicas') },
  'replicationcontrollers.': { 'status.replicas': path('status', 'replicas') },
  'jobs.batch': { 'status.successful': path('status', 'succeeded') },
};

/** Checks every field is supported for the storage; events are stored in core form (see events.ts). */
export function checkFields(storage: string, requirements: readonly FieldRequirement[]): string | undefined {
  for (const r of requirements) {
    if (r.field === 'metadata.name' || r.field === 'metadata.namespace') continue;
    if (FIELDS[storage]?.[r.field] === undefined) return `field label not supported: ${r.field}`;
  }
  return undefined;
}

export function matchesFields(
  storage: string,
  requirements: readonly FieldRequirement[],
  object: Record<string, unknown>,
): boolean {
  return requirements.every((r) => {
    const getter =
      r.field === 'metadata.name' || r.field === 'metadata.namespace'
        ? path('metadata', r.field.slice('metadata.'.length))
        : FIELDS[storage]?.[r.field];
    const actual = getter === undefined ? '' : getter(object);
    return (actual === r.value) !== r.negate;
  });
}
