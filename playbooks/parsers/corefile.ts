import type { Corefile, Directive, ServerBlock, ServerKey } from './corefile-types.js';

/*
 * Corefile parser. CoreDNS reads its Corefile with github.com/coredns/caddy, a fork of the Caddy v1
 * lexer and parser; this follows that grammar so that what it reports as a problem is what CoreDNS
 * itself would trip on, and everything else lands in the tree:
 * - tokens are split on whitespace; `#` starts a comment anywhere outside quotes, even mid-token;
 * - a `"` at the start of a token quotes it (newlines allowed, `\"` escapes a quote, any other
 *   backslash is kept);
 * - braces are compared by text, so a quoted "{" is a brace too, while `{$VAR}` and `{}` are words;
 * - a directive is the tokens of one line, optionally followed by a `{ ... }` block;
 * - `(name) { ... }` defines a snippet, `import name` pastes it; any other import is a file glob,
 *   which stays an `import` directive because its files are not in the text.
 * Total: it never throws, and whatever it cannot place goes into `problems`.
 */

type Problem = Corefile['problems'][number];

// Bounds that keep hostile input cheap; real Corefiles stay orders of magnitude below them.
const MAX_PROBLEMS = 200;
const MAX_DEPTH = 64;
/** CoreDNS's own cap (maxSnippetExpansions in coredns/caddy). */
const MAX_SNIPPET_EXPANSIONS = 1000;
/** Directives pasted by snippet imports, all told: 1000 pastes of a large snippet add up. */
const MAX_PASTED = 100_000;

/** Collects problems, keeping the first MAX_PROBLEMS and counting the rest. */
class ProblemSink {
  readonly list: Problem[] = [];
  private dropped = 0;
  private firstDroppedLine = 0;

  /** Once full, callers may skip building a message that would only be counted. */
  get full(): boolean {
    return this.list.length >= MAX_PROBLEMS;
  }

  add(line: number, text: string): void {
    if (this.list.length < MAX_PROBLEMS) {
      this.list.push({ line, text });
      return;
    }
    if (this.dropped === 0) this.firstDroppedLine = line;
    this.dropped++;
  }

  finish(): Problem[] {
    if (this.dropped > 0) {
      this.list.push({ line: this.firstDroppedLine, text: `${this.dropped} more problems not listed` });
    }
    return this.list;
  }
}

/** The raw tree: every line is a Directive (at the top level, name + args are server addresses). */
interface Tree {
  roots: Directive[];
  /** Lines followed by a `{ ... }` block (an empty `block` alone cannot tell `x {}` from `x`). */
  owners: Set<Directive>;
  /** Whether any line starts with `import`; without one the tree is used as built, uncopied. */
  sawImport: boolean;
}

interface Snippet {
  body: Directive[];
  line: number;
}

interface Ctx {
  sink: ProblemSink;
  owners: Set<Directive>;
  sawImport: boolean;
  snippets: Map<string, Snippet>;
  imports: string[];
  expansions: number;
  pasted: number;
  capReported: boolean;
}

/** Parse a Corefile. Never throws: what cannot be placed is reported in `problems`. */
export function parseCorefile(text: string): Corefile {
  const sink = new ProblemSink();
  const ctx = newCtx(sink);
  let servers: ServerBlock[] = [];
  try {
    const tree = buildTree(asText(text), sink);
    ctx.owners = tree.owners;
    ctx.sawImport = tree.sawImport;
    const content = collectSnippets(tree.roots, ctx);
    servers = interpretTop(content, ctx);
  } catch (err) {
    // Unreachable by design; a bug must degrade into a reported problem, not a crash.
    sink.add(1, `parser error: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { servers, imports: ctx.imports, problems: sink.finish(), snippets: [...ctx.snippets.keys()] };
}

/**
 * Parse a Corefile fragment: directives with no server block around them, such as the
 * `*.override` files that AKS and k3s import into `.:53` from the `coredns-custom` ConfigMap.
 */
export function parseCorefileFragment(text: string): {
  directives: Directive[];
  imports: string[];
  problems: Problem[];
} {
  const sink = new ProblemSink();
  const ctx = newCtx(sink);
  let directives: Directive[] = [];
  try {
    const tree = buildTree(asText(text), sink);
    ctx.owners = tree.owners;
    ctx.sawImport = tree.sawImport;
    directives = expand(collectSnippets(tree.roots, ctx), ctx, 1, []);
  } catch (err) {
    sink.add(1, `parser error: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { directives, imports: ctx.imports, problems: sink.finish() };
}

function newCtx(sink: ProblemSink): Ctx {
  return {
    sink,
    owners: new Set(),
    sawImport: false,
    snippets: new Map(),
    imports: [],
    expansions: 0,
    pasted: 0,
    capReported: false,
  };
}

/**
 * Normalise a zone as CoreDNS does for server keys and plugin zones: lower-case, trailing dot.
 * CIDR reverse zones (`10.0.0.0/8`), env references (`{$ZONE}`) and template placeholders
 * (NodeLocal's `__PILLAR__X__`, k3s's `%{X}%`) are kept as written.
 */
export function normalizeZone(zone: string): string {
  if (zone === '' || zone === '.') return '.';
  if (zone.includes('/') || isPlaceholder(zone)) return zone;
  const lower = zone.toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}

// Caddy env references, and installer templates: NodeLocal's __PILLAR__X__, k3s's %{X}%.
function isPlaceholder(s: string): boolean {
  return s.includes('{$') || s.includes('{%') || s.includes('%{') || /^__PILLAR__\w*__$/.test(s);
}

// Callers are typed, but the text often comes straight from a ConfigMap: tolerate anything.
function asText(text: unknown): string {
  if (typeof text === 'string') return text;
  if (text === null || text === undefined) return '';
  return String(text);
}

// Go's unicode.IsSpace, plus the BOM (Caddy drops one at the start; anywhere else it is noise).
function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

const NEWLINE = 10;
const HASH = 35;
const QUOTE = 34;
const BACKSLASH = 92;

function describe(d: Directive): string {
  // Only the first few words: a hostile line may hold a million.
  const head = [d.name, ...d.args.slice(0, 8)].join(' ');
  return head.length > 60 || d.args.length > 8 ? `${head.slice(0, 57)}...` : head;
}

interface Frame {
  nodes: Directive[];
  owner: Directive;
  openLine: number;
}

/**
 * Lex and group in one pass (no token array: a 1 MB Corefile must parse in a few tens of ms).
 * Blocks are tracked on an explicit stack, so nesting depth cannot exhaust the call stack.
 */
function buildTree(text: string, sink: ProblemSink): Tree {
  const roots: Directive[] = [];
  const owners = new Set<Directive>();
  const frames: Frame[] = [];
  let nodes = roots;
  let cur: Directive | undefined; // the line still taking arguments
  let curEnd = 0; // line its last token ends on
  let curLast = ''; // its last token
  let prevText = '';
  let prevEnd = 0;
  let sawImport = false;
  // Blocks that cannot be placed (no owner, or too deep) are skipped as a whole: count their
  // braces only, so that a megabyte of `{` costs no more than a counter.
  let skipped = 0;
  let skippedLine = 0;

  const token = (tok: string, line: number, end: number): void => {
    if (skipped > 0) {
      if (tok === '{') skipped++;
      else if (tok === '}') skipped--;
    } else if (tok === '{') {
      const owner = nodes[nodes.length - 1];
      if (owner === undefined || owner !== cur || owners.has(owner)) {
        sink.add(line, "'{' does not follow a server address or directive");
        skipped = 1;
        skippedLine = line;
      } else if (frames.length >= MAX_DEPTH) {
        sink.add(line, `blocks nested deeper than ${MAX_DEPTH} levels are ignored`);
        skipped = 1;
        skippedLine = line;
      } else {
        if (frames.length > 0 && line > prevEnd) {
          // Caddy attaches it, but plugins only look for their block on the same line.
          sink.add(
            line,
            `'{' on its own line: CoreDNS does not read it as the block of \`${describe(owner)}\``,
          );
        }
        owners.add(owner);
        frames.push({ nodes: owner.block, owner, openLine: line });
        nodes = owner.block;
      }
      cur = undefined;
    } else if (tok === '}') {
      if (frames.length === 0) {
        sink.add(line, "'}' has no matching '{'");
      } else {
        if (prevEnd === line && prevText !== '{') {
          // `health { lameduck 5s }`: the plugin reads `}` as one more argument of that line.
          sink.add(line, `'}' shares its line with \`${prevText}\`: CoreDNS reads it as part of that line`);
        }
        frames.pop();
        nodes = frames.length === 0 ? roots : (frames[frames.length - 1] as Frame).nodes;
      }
      cur = undefined;
    } else {
      if (prevText === '}' && prevEnd === line) sink.add(line, `\`${tok}\` follows '}' on the same line`);
      // Server addresses may continue on the next line after a trailing comma.
      if (cur !== undefined && (line === curEnd || (frames.length === 0 && curLast.endsWith(',')))) {
        cur.args.push(tok);
      } else {
        cur = { name: tok, args: [], block: [], line };
        nodes.push(cur);
        if (tok === 'import') sawImport = true;
      }
      curEnd = end;
      curLast = tok;
    }
    prevText = tok;
    prevEnd = end;
  };

  const n = text.length;
  let line = 1;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === NEWLINE) {
      line++;
      i++;
    } else if (isSpace(c)) {
      i++;
    } else if (c === HASH) {
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? n : nl;
    } else if (c === QUOTE) {
      const start = line;
      let value = '';
      let from = ++i;
      let closed = false;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === QUOTE) {
          closed = true;
          break;
        }
        if (d === NEWLINE) line++;
        if (d === BACKSLASH && i + 1 < n) {
          const e = text.charCodeAt(i + 1);
          if (e === QUOTE) {
            value += `${text.slice(from, i)}"`;
            from = i + 2;
          } else if (e === NEWLINE) {
            line++;
          }
          // Any other escaped character is kept with its backslash and loses any special meaning.
          i += 2;
          continue;
        }
        i++;
      }
      value += text.slice(from, i);
      i++;
      if (!closed) sink.add(start, 'quote opened here is never closed');
      // At end of input Caddy drops an empty unterminated token; a closed "" is a real empty word.
      if (closed || value !== '') token(value, start, line);
    } else {
      const start = i;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === HASH || isSpace(d)) break;
        i++;
      }
      token(text.slice(start, i), line, line);
    }
  }

  if (skipped > 0) sink.add(skippedLine, `'{' opened here is never closed`);
  for (let f = frames.length - 1; f >= 0; f--) {
    const frame = frames[f] as Frame;
    sink.add(frame.openLine, `'{' opened here for \`${describe(frame.owner)}\` is never closed`);
  }
  return { roots, owners, sawImport };
}

function snippetName(d: Directive, owners: Set<Directive>): string | undefined {
  if (d.args.length !== 0 || d.name.length < 3 || !d.name.startsWith('(') || !d.name.endsWith(')')) {
    return undefined;
  }
  return owners.has(d) ? d.name.slice(1, -1) : undefined;
}

/** Register `(name) { ... }` definitions and return the other top-level lines. */
function collectSnippets(roots: Directive[], ctx: Ctx): Directive[] {
  const content: Directive[] = [];
  for (const d of roots) {
    const name = snippetName(d, ctx.owners);
    if (name === undefined) {
      if (d.args.length === 0 && /^\(.+\)$/.test(d.name)) {
        ctx.sink.add(d.line, `snippet ${d.name} has no '{ ... }' body`);
        continue;
      }
      content.push(d);
    } else if (ctx.snippets.has(name)) {
      ctx.sink.add(d.line, `snippet (${name}) is defined twice`);
    } else {
      ctx.snippets.set(name, { body: d.block, line: d.line });
    }
  }
  return content;
}

function isImport(d: Directive, ctx: Ctx): boolean {
  return d.name === 'import' && !ctx.owners.has(d);
}

/** The snippet an `import` pastes; undefined when it names files (or is malformed). */
function importedSnippet(d: Directive, ctx: Ctx, stack: string[]): Directive[] | undefined {
  const target = d.args[0];
  if (target === undefined || target === '') {
    ctx.sink.add(d.line, 'import without a snippet name or file pattern');
    return undefined;
  }
  ctx.imports.push(target);
  if (d.args.length > 1)
    ctx.sink.add(d.line, 'import takes only one argument (snippet name or file pattern)');
  const snippet = ctx.snippets.get(target);
  if (snippet === undefined) {
    if ((target.match(/\*/g)?.length ?? 0) > 1 || (target.match(/\?/g)?.length ?? 0) > 1) {
      ctx.sink.add(d.line, `import pattern \`${target}\` has more than one wildcard, which CoreDNS refuses`);
    }
    return undefined;
  }
  if (d.line < snippet.line) {
    ctx.sink.add(d.line, `snippet (${target}) is imported before its definition: CoreDNS looks for a file`);
  }
  if (stack.includes(target)) {
    ctx.sink.add(d.line, `snippet (${target}) imports itself`);
    return [];
  }
  if (++ctx.expansions > MAX_SNIPPET_EXPANSIONS || ctx.pasted > MAX_PASTED) {
    if (!ctx.capReported) {
      ctx.sink.add(
        d.line,
        `snippet imports expand past CoreDNS's limit of ${MAX_SNIPPET_EXPANSIONS}; rest skipped`,
      );
    }
    ctx.capReported = true;
    return [];
  }
  return snippet.body;
}

/**
 * Paste snippet imports into a list of directives, copying every line so that a snippet used
 * twice yields independent objects. Depth is bounded by MAX_DEPTH through buildTree and `stack`.
 */
function expand(list: Directive[], ctx: Ctx, depth: number, stack: string[]): Directive[] {
  if (!ctx.sawImport) return depth === 1 ? withoutSnippetDefinitions(list, ctx) : list;
  const out: Directive[] = [];
  for (const d of list) {
    if (isImport(d, ctx)) {
      const body = importedSnippet(d, ctx, stack);
      if (body === undefined) {
        out.push(d);
      } else if (stack.length < MAX_DEPTH) {
        for (const p of expand(body, ctx, depth, [...stack, d.args[0] ?? ''])) out.push(p);
      }
      continue;
    }
    if (depth === 1 && snippetName(d, ctx.owners) !== undefined) {
      ctx.sink.add(d.line, `snippet ${d.name} must be defined outside server blocks`);
      continue;
    }
    const block = d.block.length === 0 ? [] : expand(d.block, ctx, depth + 1, stack);
    if (stack.length > 0) ctx.pasted++;
    out.push({ name: d.name, args: [...d.args], block, line: d.line });
  }
  return out;
}

function withoutSnippetDefinitions(list: Directive[], ctx: Ctx): Directive[] {
  if (!list.some((d) => snippetName(d, ctx.owners) !== undefined)) return list;
  return list.filter((d) => {
    if (snippetName(d, ctx.owners) === undefined) return true;
    ctx.sink.add(d.line, `snippet ${d.name} must be defined outside server blocks`);
    return false;
  });
}

function interpretTop(content: Directive[], ctx: Ctx): ServerBlock[] {
  const servers: ServerBlock[] = [];
  const first = content[0];
  // Caddy accepts a single server block without braces: addresses, then directives to the end.
  if (first !== undefined && !ctx.owners.has(first) && !isImport(first, ctx) && looksLikeAddresses(first)) {
    servers.push({
      keys: parseKeys(first, ctx.sink),
      directives: expand(content.slice(1), ctx, 1, []),
      line: first.line,
    });
    return servers;
  }
  walkTop(content, ctx, [], servers);
  return servers;
}

/** Server blocks in file order, with top-level snippet imports pasted where they stand. */
function walkTop(list: Directive[], ctx: Ctx, stack: string[], servers: ServerBlock[]): void {
  for (const d of list) {
    if (isImport(d, ctx)) {
      const body = importedSnippet(d, ctx, stack);
      if (body !== undefined && stack.length < MAX_DEPTH)
        walkTop(body, ctx, [...stack, d.args[0] ?? ''], servers);
    } else if (!ctx.owners.has(d)) {
      ctx.sink.add(d.line, ctx.sink.full ? '' : `\`${describe(d)}\` is outside any server block`);
    } else {
      servers.push({ keys: parseKeys(d, ctx.sink), directives: expand(d.block, ctx, 1, []), line: d.line });
    }
  }
}

const ADDRESS_CHARS = /^[A-Za-z0-9_.*\-/:[\]{}$%,]+$/;

// Plugin names never hold `.`, `:` or `/`; server addresses nearly always do (`.:53`, `example.org`).
// Enough to tell a braceless server block from a stray directive or a pasted fragment.
function looksLikeAddresses(d: Directive): boolean {
  return /[.:/]/.test(d.name) && ADDRESS_CHARS.test(d.name) && d.args.every((a) => ADDRESS_CHARS.test(a));
}

function parseKeys(d: Directive, sink: ProblemSink): ServerKey[] {
  const keys: ServerKey[] = [];
  const add = (word: string): void => {
    if (!word.includes(',')) {
      if (word !== '') keys.push(parseKey(word, d.line, sink));
      return;
    }
    for (const raw of word.split(',')) if (raw !== '') keys.push(parseKey(raw, d.line, sink));
  };
  add(d.name);
  for (const a of d.args) add(a);
  return keys;
}

function parseKey(raw: string, line: number, sink: ProblemSink): ServerKey {
  let rest = raw;
  let scheme: string | undefined;
  const m = raw.includes('://') ? /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(rest) : null;
  if (m?.[1] !== undefined) {
    scheme = `${m[1].toLowerCase()}://`;
    rest = rest.slice(m[0].length);
  }
  let port: number | undefined;
  const colon = rest.lastIndexOf(':');
  // In `[::1]:53` only a colon after the `]` can start the port.
  if (colon !== -1 && colon > rest.lastIndexOf(']')) {
    const p = rest.slice(colon + 1);
    if (/^\d{1,5}$/.test(p) && Number(p) <= 65535) {
      port = Number(p);
      rest = rest.slice(0, colon);
    } else if (isPlaceholder(p)) {
      rest = rest.slice(0, colon);
    } else {
      sink.add(line, `server address \`${raw}\` has an invalid port`);
    }
  }
  if (rest !== '' && !ADDRESS_CHARS.test(rest)) sink.add(line, `server address \`${raw}\` is not a zone`);
  const key: ServerKey = { zone: normalizeZone(rest) };
  if (port !== undefined) key.port = port;
  if (scheme !== undefined) key.scheme = scheme;
  return key;
}
