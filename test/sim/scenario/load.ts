/**
 * Reads a scenario file (docs/scenarios.md): YAML with positions, validated by schema.ts,
 * `extends` resolved by merge.ts. Every problem names the file, the line and the column, since
 * a scenario that silently means something else would test nothing.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Document, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { z } from 'zod';
import { closest } from './keys.js';
import { crossReferenceProblems, mergeScenario, type Problem } from './merge.js';
import { fileSchema, TOP_KEYS } from './schema.js';
import type { Scenario } from './types.js';

/** Scenarios are hand-written; anything bigger is a mistake or an attack on the parser. */
export const MAX_SCENARIO_BYTES = 5 * 1024 * 1024;
/** Shown in one error; the rest would only scroll the first off the screen. */
const MAX_PROBLEMS = 10;

export class ScenarioError extends Error {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;

  constructor(file: string, problems: { message: string; line?: number; column?: number }[]) {
    const where = (p: { line?: number; column?: number }) =>
      p.line === undefined ? file : `${file}:${p.line}:${p.column ?? 1}`;
    const shown = problems.slice(0, MAX_PROBLEMS).map((p) => `${where(p)}: ${p.message}`);
    if (problems.length > MAX_PROBLEMS) shown.push(`... and ${problems.length - MAX_PROBLEMS} more problems`);
    super(shown.join('\n'));
    this.name = 'ScenarioError';
    this.file = file;
    const first = problems[0];
    if (first?.line !== undefined) {
      this.line = first.line;
      this.column = first.column ?? 1;
    }
  }
}

/** The shipped scenarios: next to this module in the repo; from dist, back in the repo's test/. */
export const SCENARIOS_DIR: string = findScenariosDir(dirname(fileURLToPath(import.meta.url)));

function findScenariosDir(here: string): string {
  const beside = resolve(here, '../scenarios');
  if (existsSync(join(beside, 'bases'))) return beside;
  for (let dir = here; dirname(dir) !== dir; dir = dirname(dir)) {
    const candidate = join(dir, 'test/sim/scenarios');
    if (existsSync(join(candidate, 'bases'))) return candidate;
  }
  return beside;
}

/** Paths in messages as the user would type them: relative to the working directory when inside it. */
function shownPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

export function loadScenario(path: string): Scenario {
  return loadWith(path, new Map(), []);
}

/** Loads a file, resolving bases from `<SCENARIOS_DIR>/bases`, each base read once per call. */
function loadWith(path: string, cache: Map<string, Scenario>, chain: string[]): Scenario {
  const file = shownPath(path);
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > MAX_SCENARIO_BYTES) throw new ScenarioError(file, [{ message: tooBig(size) }]);
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof ScenarioError) throw err;
    throw new ScenarioError(file, [{ message: `cannot read: ${(err as Error).message}` }]);
  }
  return parseScenario(text, file, (name) => {
    const basePath = join(SCENARIOS_DIR, 'bases', `${name}.yaml`);
    if (chain.includes(basePath)) throw new Error(`extends forms a cycle through base "${name}"`);
    if (!existsSync(basePath)) {
      const known = listYaml(join(SCENARIOS_DIR, 'bases')).map((p) => basename(p, '.yaml'));
      const near = closest(name, known);
      throw new Error(
        `unknown base "${name}"${near ? ` (did you mean "${near}"?)` : ''}; bases: ${known.join(', ')}`,
      );
    }
    const cached = cache.get(basePath) ?? loadWith(basePath, cache, [...chain, path, basePath]);
    cache.set(basePath, cached);
    return cached;
  });
}

function tooBig(bytes: number): string {
  return `the file is ${bytes} bytes; a scenario may be at most ${MAX_SCENARIO_BYTES} bytes (5 MB)`;
}

export function parseScenario(text: string, file: string, resolveBase: (name: string) => Scenario): Scenario {
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_SCENARIO_BYTES) throw new ScenarioError(file, [{ message: tooBig(bytes) }]);
  const lineCounter = new LineCounter();
  // uniqueKeys: a key written twice is almost always an edit gone wrong, never intended.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
  if (doc.errors.length > 0) {
    throw new ScenarioError(
      file,
      doc.errors.map((e) => ({
        message: e.message.split('\n')[0] ?? e.message,
        ...at(lineCounter, e.pos[0]),
      })),
    );
  }
  let raw: unknown;
  try {
    raw = doc.toJS(); // may refuse an alias bomb (too many alias expansions)
  } catch (err) {
    throw new ScenarioError(file, [{ message: (err as Error).message, line: 1, column: 1 }]);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ScenarioError(file, [
      {
        message: 'a scenario is a YAML mapping (extends, description, expect, objects...)',
        line: 1,
        column: 1,
      },
    ]);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ScenarioError(
      file,
      sorted(parsed.error.issues.flatMap((i) => fromZod(i, raw, doc, lineCounter))),
    );
  }
  const spec = parsed.data;
  let base: Scenario | undefined;
  if (spec.extends !== undefined) {
    try {
      base = resolveBase(spec.extends);
    } catch (err) {
      if (err instanceof ScenarioError) throw err;
      throw new ScenarioError(file, [
        { message: `extends: ${(err as Error).message}`, ...locate(doc, lineCounter, ['extends'], 'value') },
      ]);
    }
  }
  const name = basename(file).replace(/\.ya?ml$/, '');
  const merged = mergeScenario(name, spec, base);
  const problems = merged.problems.concat(crossReferenceProblems(merged.scenario));
  if (problems.length > 0)
    throw new ScenarioError(file, sorted(problems.map((p) => place(p, doc, lineCounter, spec.extends))));
  // Aliases and cached bases share objects: the caller gets a tree of its own to mutate.
  return structuredClone(merged.scenario);
}

export function listScenarios(
  dir: string = SCENARIOS_DIR,
): { name: string; description: string; style: string; verdict: string }[] {
  const cache = new Map<string, Scenario>();
  return listYaml(dir, ['bases'])
    .map((path) => loadWith(path, cache, []))
    .map((s) => ({ name: s.name, description: s.description, style: s.style, verdict: s.expect.verdict }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** YAML files under dir, recursively, skipping the named folders. */
function listYaml(dir: string, skip: string[] = []): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return skip.includes(e.name) ? [] : listYaml(path, skip);
    return /\.ya?ml$/.test(e.name) ? [path] : [];
  });
}

type Located = { message: string; line?: number; column?: number };
type Path = readonly PropertyKey[];

function sorted(problems: Located[]): Located[] {
  return problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

function at(lc: LineCounter, offset: number | undefined): { line: number; column: number } {
  const { line, col } = lc.linePos(offset ?? 0);
  return { line, column: col };
}

/** `objects[3].metadata.name`, `logs["kube-system/coredns-x/coredns"]`. */
export function formatPath(path: Path): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(String(seg)))
      out += out === '' ? String(seg) : `.${String(seg)}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out === '' ? '(top level)' : out;
}

function valueAt(root: unknown, path: Path): unknown {
  let v = root;
  for (const seg of path)
    v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[seg] : undefined;
  return v;
}

function fromZod(issue: z.core.$ZodIssue, raw: unknown, doc: Document, lc: LineCounter): Located[] {
  const path = issue.path;
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const near = path.length === 0 ? closest(key, TOP_KEYS) : undefined;
      const hint = near
        ? ` (did you mean "${near}"?)`
        : path.length === 0
          ? ` (keys: ${TOP_KEYS.join(', ')})`
          : '';
      return {
        message: `${formatPath([...path, key])}: unknown key${hint}`,
        ...locate(doc, lc, [...path, key], 'key'),
      };
    });
  }
  const value = valueAt(raw, path);
  let message = issue.message;
  if (issue.code === 'invalid_type')
    message = value === undefined ? 'required' : `expected ${issue.expected}, got ${describe(value)}`;
  else if (issue.code === 'invalid_value') message = `must be one of ${issue.values.map(String).join(', ')}`;
  const pointer = (issue.code === 'custom' ? issue.params : undefined) as
    | { lineOffset?: number; key?: boolean }
    | undefined;
  const target = pointer?.key ? 'key' : 'value';
  return [
    { message: `${formatPath(path)}: ${message}`, ...locate(doc, lc, path, target, pointer?.lineOffset) },
  ];
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** A problem found after the merge: in this file when its path is here, else in the base. */
function place(p: Problem, doc: Document, lc: LineCounter, base: string | undefined): Located {
  const here = p.path.length === 0 || doc.hasIn(p.path as unknown[]);
  const where =
    here || base === undefined
      ? locate(doc, lc, p.path, p.lineOffset === undefined ? 'key' : 'value', p.lineOffset)
      : locate(doc, lc, ['extends'], 'value');
  const from = here || base === undefined ? '' : ` (from base ${base})`;
  return { message: `${formatPath(p.path)}: ${p.message}${from}`, ...where };
}

/**
 * The line and column of a path in the document: the value (or key) itself when present, else
 * the key of its nearest present ancestor (where the missing field belongs). A line offset
 * points into a block scalar, whose content starts on the line after its `|` header.
 */
function locate(doc: Document, lc: LineCounter, path: Path, target: 'key' | 'value', lineOffset?: number) {
  let node: unknown = doc.contents;
  let best = rangeStart(node) ?? 0;
  for (const [i, seg] of path.entries()) {
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg),
      );
      if (!pair) break;
      best = rangeStart(pair.key) ?? best;
      node = pair.value;
      if (last && target === 'value') best = rangeStart(node) ?? best;
    } else if (isSeq(node)) {
      const item = typeof seg === 'number' ? node.items[seg] : undefined;
      if (item === undefined) break;
      best = rangeStart(item) ?? best;
      node = item;
    } else break;
  }
  const pos = at(lc, best);
  if (
    lineOffset !== undefined &&
    isScalar(node) &&
    (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED')
  )
    return { line: pos.line + 1 + lineOffset, column: 1 };
  return pos;
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null)?.range?.[0];
}
