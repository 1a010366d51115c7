/**
 * Streams a CoreDNS log into a LogSummary with bounded memory: counters, a capped table of the
 * most frequent failing names (Misra-Gries), capped events per kind, capped minute buckets.
 * Feed it bytes of any size (`push`, or `pushFrom` to read straight into the scanner), then
 * `end()`; or take `partial()` from several summarisers (the logs of several pods) and
 * `mergePartials` them.
 * The WebAssembly scanner (scanner.ts) reads every line and counts the query lines it can; this
 * module takes the rest: other lines (`parseLine`), failing names, minutes, events. What is kept
 * is sliced into a string of its own (latin1: decoding cannot fail); excerpts are re-decoded as
 * UTF-8.
 */
import { DistinctCounter, FNV_START, fnvBytes, fnvString } from './distinct.js';
import { clfToIso, type ParsedLine, parseLine } from './line.js';
import { NAME_CLASSES } from './names.js';
import { BIT_AUTHORITATIVE, BIT_NEW_MINUTE, BIT_TRACKED, C, KIND_OTHER, LineScanner, R } from './scanner.js';
import type {
  CodeCounts,
  FailedName,
  LogEvent,
  LogSummary,
  NameClass,
  Rcode,
  UpstreamErrors,
} from './summary-types.js';

type EventLine = Extract<ParsedLine, { kind: 'event' }>;

export interface SummarizerOptions {
  clusterDomain?: string;
  /** Lines longer than this are counted as overlong and skipped (bounded memory). */
  maxLineBytes?: number;
  /** Labels events with where the lines came from (`kube-system/coredns-abc`). */
  source?: string;
}

/** What one summariser saw: mergeable with the partials of the parts that follow it. */
export interface PartialSummary {
  summary: LogSummary;
  /** Every tracked failing name (up to the tracking cap), not only the top ones. */
  failed: FailedName[];
  registers: Uint8Array;
}

/** Failing names tracked per log; beyond it the table keeps the frequent ones (Misra-Gries). */
export const MAX_FAILED_NAMES = 2000;
const TOP_FAILED_NAMES = 100;
const EVENTS_PER_KIND = 10;
const MAX_MINUTES = 1440;
const MAX_UPSTREAMS = 64;
/** Counter rows: the rcodes in this order, then "no response". */
const RCODES: readonly Rcode[] = ['NOERROR', 'NXDOMAIN', 'SERVFAIL', 'REFUSED', 'FORMERR', 'NOTIMP', 'OTHER'];
const NO_RESPONSE = RCODES.length;
const [SERVFAIL, REFUSED, OTHER] = [2, 3, 6];
/** A failing name's code as reported, per counter row: "no response" is reported as TIMEOUT. */
const FAILED_CODES: readonly FailedName['rcode'][] = [...RCODES, 'TIMEOUT'];
/** FNV-1a of `${code} ` per row, where the distinct count's hash of `${code} ${name}` starts. */
const CODE_HASHES = FAILED_CODES.map((c) => fnvString(FNV_START, `${c} `));
/** Bytes the scanner reads at a time: small enough to stay in the CPU's caches. */
const CHUNK = 256 << 10;
/** The longest line a summariser can be asked to keep (its memory grows with it). */
const MAX_LINE_LIMIT = 16 << 20;

/** Untrusted log text made safe to quote: UTF-8 decoded, control characters replaced, capped. */
export function excerpt(latin1: string, max = 300): string {
  const text = Buffer.from(latin1.length > max * 4 ? latin1.slice(0, max * 4) : latin1, 'latin1').toString(
    'utf8',
  );
  const clean = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/** A summary of no lines: the start of every summary, and a fixture for tests. */
export function emptySummary(clusterDomain: string): LogSummary {
  return {
    lines: 0,
    queries: 0,
    recognised: 0,
    overlong: 0,
    unknown: 0,
    binary: 0,
    clusterDomain,
    byRcode: {},
    noResponse: { cluster: 0, 'search-expansion': 0, external: 0 },
    truncated: 0,
    queryLogSeen: false,
    failedNames: [],
    distinctFailedNames: 0,
    upstreamErrors: [],
    events: [],
    eventsDropped: 0,
    minutes: [],
  };
}

function countsOf(row: Float64Array, r: number): CodeCounts {
  const at = r * 3;
  return { cluster: row[at] ?? 0, 'search-expansion': row[at + 1] ?? 0, external: row[at + 2] ?? 0 };
}

export class LogSummarizer {
  private readonly clusterDomain: string;
  private readonly maxLine: number;
  private readonly source: string | undefined;
  private readonly s: LogSummary;
  private readonly scanner: LineScanner;
  /** Bytes at the scanner's start that begin a line not yet complete. */
  private held = 0;
  private skipping = false;
  private lineNo = 0;
  private recognisedOther = 0;
  /** The bucket of the current minute per time format (0 ISO, 1 CLF; eras can alternate). */
  private readonly buckets: ({ ok: number; failed: number } | undefined)[] = [undefined, undefined];
  /** The latest CLF time and its ISO form. */
  private lastClf: { raw: string; at: string | undefined } = { raw: '', at: undefined };
  /** Tracked failing names, one table per counter row (keyed by the name alone: no key to build). */
  private readonly failed = FAILED_CODES.map(() => new Map<string, FailedName>());
  private failedCount = 0;
  private readonly distinctFailed = new DistinctCounter();
  private readonly upstreams = new Map<string, UpstreamErrors>();
  /** The first events of each kind; after them only the latest, kept raw until `partial()`. */
  private readonly events = new Map<LogEvent['kind'], LogEvent[]>();
  private readonly latestEvents = new Map<LogEvent['kind'], { p: EventLine; line: string; lineNo: number }>();
  private readonly minutes = new Map<string, { ok: number; failed: number }>();

  constructor(options: SummarizerOptions = {}) {
    this.clusterDomain = (options.clusterDomain ?? 'cluster.local').toLowerCase().replace(/^\.|\.$/g, '');
    this.maxLine = options.maxLineBytes ?? 64 * 1024;
    // The scanner's memory holds one line this long: keep it a sane, whole number of bytes.
    if (!Number.isInteger(this.maxLine) || this.maxLine < 1 || this.maxLine > MAX_LINE_LIMIT)
      throw new RangeError(`maxLineBytes must be a whole number from 1 to ${MAX_LINE_LIMIT}`);
    this.source = options.source;
    this.s = emptySummary(this.clusterDomain);
    this.scanner = new LineScanner(this.clusterDomain, this.maxLine, CHUNK);
  }

  push(chunk: Uint8Array): void {
    let from = 0;
    while (from < chunk.length) {
      if (this.skipping) {
        // Inside an overlong line: find its end, reading nothing else.
        const nl = chunk.indexOf(10, from);
        if (nl < 0) return;
        this.skipping = false;
        from = nl + 1;
        continue;
      }
      const n = Math.min(chunk.length - from, CHUNK);
      this.scanner.bytes.set(chunk.subarray(from, from + n), this.scanner.start + this.held);
      from += n;
      this.scanHeld(this.held + n);
    }
  }

  /**
   * Reads up to one chunk with `read` straight into the scanner's memory (no copy) and summarises
   * it; `read` fills buf[offset..offset+length) and returns the bytes read. False at the end.
   */
  pushFrom(read: (buf: Uint8Array, offset: number, length: number) => number): boolean {
    const n = read(this.scanner.bytes, this.scanner.start + this.held, CHUNK);
    if (n <= 0) return false;
    if (!this.skipping) this.scanHeld(this.held + n);
    else {
      const at = this.scanner.start + this.held;
      const nl = this.scanner.bytes.indexOf(10, at);
      if (nl >= 0 && nl < at + n) {
        this.skipping = false;
        this.scanner.bytes.copyWithin(at, nl + 1, at + n);
        this.scanHeld(this.held + (at + n - nl - 1));
      }
    }
    return true;
  }

  /** Reads the complete lines of the first `length` bytes at the scanner's start; keeps the rest. */
  private scanHeld(length: number): void {
    const sc = this.scanner;
    const end = sc.start + length;
    let pos = sc.start;
    for (;;) {
      pos = sc.scan(pos, end);
      this.scanned();
      if (sc.recordCount() < sc.maxRecords) break;
    }
    const rest = end - pos;
    if (rest > this.maxLine) {
      this.lineNo++;
      this.s.lines++;
      this.s.overlong++;
      this.skipping = true;
      this.held = 0;
    } else {
      sc.bytes.copyWithin(sc.start, pos, end);
      this.held = rest;
    }
  }

  /** Takes in what one scan left: its records in line order, then its counts of minutes. */
  private scanned(): void {
    const sc = this.scanner;
    const r = sc.records;
    const n = sc.recordCount();
    let timedOther = -1;
    for (let i = 0; i < n; i++) {
      const o = i * sc.fields;
      const line = r[o + R.line] ?? 0;
      if (r[o + R.kind] === KIND_OTHER) {
        // A string of its own (not a view of the scanner's memory, which the next chunk reuses).
        const text = sc.bytes.toString('latin1', r[o + R.start], r[o + R.end]);
        if (this.other(parseLine(text), text, this.lineNo + line)) timedOther = line;
      } else this.query(r, o);
    }
    const last = sc.lastTime();
    if (last.line > timedOther) {
      const at = this.timeOf(sc.bytes, last.start, last.end);
      if (at) this.s.lastTime = at;
    }
    const c = sc.counts;
    for (let slot = 0; slot < 2; slot++) {
      const at = C.pending + slot * 2;
      this.count(this.buckets[slot], c[at] ?? 0, c[at + 1] ?? 0);
      c[at] = 0;
      c[at + 1] = 0;
    }
    const lines = sc.lineCount();
    this.lineNo += lines;
    this.s.lines += lines;
  }

  private count(bucket: { ok: number; failed: number } | undefined, ok: number, failed: number): void {
    if (!bucket) return;
    bucket.ok += ok;
    bucket.failed += failed;
  }

  /** Everything seen so far, for `mergePartials`. Ends the input (a final unterminated line counts). */
  partial(): PartialSummary {
    if (this.held > 0 && !this.skipping) {
      // The last line has no newline: give it one.
      this.scanner.bytes[this.scanner.start + this.held] = 10;
      this.scanHeld(this.held + 1);
    }
    this.held = 0;
    const s = this.s;
    const c = this.scanner.counts;
    s.queries = c[C.queries] ?? 0;
    s.queryLogSeen = s.queries > 0;
    s.recognised = this.recognisedOther + s.queries;
    s.truncated = c[C.truncated] ?? 0;
    s.binary = c[C.binary] ?? 0;
    s.overlong += c[C.overlong] ?? 0;
    c[C.overlong] = 0;
    for (let r = 0; r < RCODES.length; r++) {
      const counts = countsOf(c, r);
      if (counts.cluster + counts['search-expansion'] + counts.external > 0)
        s.byRcode[RCODES[r] ?? 'OTHER'] = counts;
    }
    s.noResponse = countsOf(c, NO_RESPONSE);
    s.upstreamErrors = [...this.upstreams.values()];
    const latest = [...this.latestEvents.values()].map((e) => this.toEvent(e.p, e.line, e.lineNo));
    s.events = [...this.events.values(), latest].flat().sort((a, b) => a.lineNo - b.lineNo);
    s.minutes = [...this.minutes.entries()].map(([minute, c]) => ({ minute, ...c }));
    const failed = this.failed.flatMap((rows) => [...rows.values()]);
    return { summary: s, failed, registers: this.distinctFailed.registers };
  }

  end(): LogSummary {
    return mergePartials([this.partial()]);
  }

  /** A line the scanner left to us; whether it carried a time. */
  private other(p: ParsedLine, line: string, lineNo: number): boolean {
    if (p.at) {
      this.s.firstTime ??= p.at;
      this.s.lastTime = p.at;
    }
    if (p.kind !== 'unknown') this.recognisedOther++;
    if (p.kind === 'upstream-error') this.upstreamError(p, line);
    else if (p.kind === 'event') this.event(p, line, lineNo);
    else if (p.kind === 'version') this.s.version = p.version.replace(/^v/, '');
    else if (p.kind === 'unknown') this.s.unknown++;
    return p.at !== undefined;
  }

  /** A query line the scanner counted but left to us: it failed, or opened a new minute. */
  private query(r: Int32Array, o: number): void {
    const b = this.scanner.bytes;
    const bits = r[o + R.bits] ?? 0;
    const row = r[o + R.row] ?? OTHER;
    const atStart = r[o + R.atStart] ?? -1;
    const tracked = (bits & BIT_TRACKED) !== 0;
    const at =
      atStart >= 0 && (tracked || bits & BIT_NEW_MINUTE)
        ? this.timeOf(b, atStart, r[o + R.atEnd] ?? 0)
        : undefined;
    if (bits & BIT_NEW_MINUTE) {
      const slot = bits >> 8;
      // The lines before this one in the format's previous minute, then this one in its own.
      this.count(this.buckets[slot], r[o + R.pendingOk] ?? 0, r[o + R.pendingFailed] ?? 0);
      if (at) this.buckets[slot] = this.bucket(at);
      const failedHard = row === NO_RESPONSE || row === SERVFAIL || row === REFUSED;
      this.count(this.buckets[slot], failedHard ? 0 : 1, failedHard ? 1 : 0);
    }
    if (tracked) {
      const nameClass = NAME_CLASSES[r[o + R.nameClass] ?? 2] ?? 'external';
      const start = r[o + R.start] ?? 0;
      const end = r[o + R.end] ?? 0;
      const name = { start: r[o + R.nameStart] ?? 0, end: r[o + R.nameEnd] ?? 0 };
      this.failedName(b, start, end, name, row, nameClass, (bits & BIT_AUTHORITATIVE) !== 0, at);
    }
  }

  private timeOf(b: Buffer, from: number, to: number): string | undefined {
    const raw = b.toString('latin1', from, to);
    let at: string | undefined = raw;
    if (raw.charCodeAt(0) === 91) {
      // CLF times have whole seconds: many lines in a row share one, converted once.
      if (raw !== this.lastClf.raw) this.lastClf = { raw, at: clfToIso(raw) };
      at = this.lastClf.at;
    }
    if (at) this.s.firstTime ??= at;
    return at;
  }

  private bucket(at: string): { ok: number; failed: number } {
    const minute = at.slice(0, 16);
    let bucket = this.minutes.get(minute);
    if (!bucket) {
      if (this.minutes.size >= MAX_MINUTES) {
        const oldest = this.minutes.keys().next().value;
        if (oldest !== undefined) this.minutes.delete(oldest);
      }
      bucket = { ok: 0, failed: 0 };
      this.minutes.set(minute, bucket);
    }
    return bucket;
  }

  /** Counts the failing name the scan found in the line b[start..end), of counter row `row`. */
  private failedName(
    b: Buffer,
    start: number,
    end: number,
    name: { start: number; end: number },
    row: number,
    nameClass: NameClass,
    authoritative: boolean,
    at: string | undefined,
  ): void {
    const { start: nameStart, end: nameEnd } = name;
    const rcode = FAILED_CODES[row] ?? 'OTHER';
    // The distinct count hashes `${rcode} ${name}` from the bytes, as DistinctCounter.add would,
    // from the hash of its code (made once, not per line).
    this.distinctFailed.addHash(fnvBytes(CODE_HASHES[row] ?? FNV_START, b, nameStart, nameEnd));
    const text = b.toString('latin1', nameStart, nameEnd);
    const table = this.failed[row] ?? new Map<string, FailedName>();
    const known = table.get(text);
    if (known) {
      known.count++;
      if (at) known.lastSeen = at;
      return;
    }
    if (this.failedCount >= MAX_FAILED_NAMES) this.failedCount = shrink(this.failed);
    const entry: FailedName = {
      // Raw until the end: only the names that make the top list are made safe to quote.
      name: text,
      rcode,
      nameClass,
      count: 1,
      authoritative,
      sample: b.toString('latin1', start, end),
    };
    if (at) {
      entry.firstSeen = at;
      entry.lastSeen = at;
    }
    table.set(text, entry);
    this.failedCount++;
  }

  private upstreamError(p: Extract<ParsedLine, { kind: 'upstream-error' }>, line: string): void {
    const key = p.upstream ?? 'unknown';
    let u = this.upstreams.get(key);
    if (!u) {
      if (this.upstreams.size >= MAX_UPSTREAMS) return;
      u = { upstream: excerpt(key, 60), timeouts: 0, other: 0, sample: excerpt(line) };
      if (p.at) u.firstSeen = p.at;
      this.upstreams.set(key, u);
    }
    if (p.timeout) u.timeouts++;
    else u.other++;
    if (p.at) u.lastSeen = p.at;
  }

  private event(p: EventLine, line: string, lineNo: number): void {
    this.s.eventCounts ??= {};
    this.s.eventCounts[p.event] = (this.s.eventCounts[p.event] ?? 0) + 1;
    let list = this.events.get(p.event);
    if (!list) {
      list = [];
      this.events.set(p.event, list);
    }
    // As keepFirstAndLatest, but the latest is made safe to quote only at the end: that costs more
    // than reading the line, and most latest ones are replaced.
    if (list.length < EVENTS_PER_KIND) list.push(this.toEvent(p, line, lineNo));
    else {
      if (this.latestEvents.has(p.event)) this.s.eventsDropped++;
      this.latestEvents.set(p.event, { p, line, lineNo });
    }
  }

  private toEvent(p: EventLine, line: string, lineNo: number): LogEvent {
    const e: LogEvent = { kind: p.event, lineNo, line: excerpt(line) };
    if (p.at) e.at = p.at;
    if (p.detail) e.detail = excerpt(p.detail, 200);
    if (this.source) e.source = this.source;
    return e;
  }
}

/** Keeps the first few events of a kind and always the latest ("did a later reload succeed"). */
function keepFirstAndLatest(list: LogEvent[], e: LogEvent): number {
  if (list.length <= EVENTS_PER_KIND) {
    list.push(e);
    return 0;
  }
  list[EVENTS_PER_KIND] = e;
  return 1;
}

/** Misra-Gries step: every count drops by one and the zeros go, so frequent names survive. */
function shrink(tables: Map<string, FailedName>[]): number {
  let left = 0;
  for (const failed of tables) {
    failed.forEach((entry, key) => {
      entry.count--;
      if (entry.count <= 0) failed.delete(key);
    });
    left += failed.size;
  }
  return left;
}

function addCounts(into: CodeCounts, c: CodeCounts): void {
  into.cluster += c.cluster;
  into['search-expansion'] += c['search-expansion'];
  into.external += c.external;
}

/** ISO times compare as text; the earlier and the later of two, either possibly absent. */
function earlier(a: string | undefined, b: string | undefined): string | undefined {
  return a === undefined || (b !== undefined && b < a) ? b : a;
}
function later(a: string | undefined, b: string | undefined): string | undefined {
  return a === undefined || (b !== undefined && b > a) ? b : a;
}

/**
 * One summary from several partials: consecutive parts of one log (line numbers continue from
 * part to part), or, with `separateLogs`, the logs of several pods (line numbers stay each log's own;
 * events name their source).
 */
export function mergePartials(
  parts: readonly PartialSummary[],
  options: { separateLogs?: boolean } = {},
): LogSummary {
  const first = parts[0];
  const out = emptySummary(first?.summary.clusterDomain ?? 'cluster.local');
  const failed = new Map<string, FailedName>();
  const distinct = new DistinctCounter();
  const upstreams = new Map<string, UpstreamErrors>();
  const minutes = new Map<string, { ok: number; failed: number }>();
  const events = new Map<LogEvent['kind'], LogEvent[]>();
  let lineOffset = 0;
  for (const { summary: s, failed: names, registers } of parts) {
    for (const k of [
      'lines',
      'queries',
      'recognised',
      'overlong',
      'unknown',
      'binary',
      'truncated',
      'eventsDropped',
    ] as const)
      out[k] += s[k];
    out.firstTime = earlier(out.firstTime, s.firstTime);
    out.lastTime = later(out.lastTime, s.lastTime);
    out.version ??= s.version;
    out.queryLogSeen ||= s.queryLogSeen;
    for (const [code, c] of Object.entries(s.byRcode) as [Rcode, CodeCounts][]) {
      out.byRcode[code] ??= { cluster: 0, 'search-expansion': 0, external: 0 };
      addCounts(out.byRcode[code], c);
    }
    addCounts(out.noResponse, s.noResponse);
    for (const [kind, n] of Object.entries(s.eventCounts ?? {}) as [LogEvent['kind'], number][]) {
      out.eventCounts ??= {};
      out.eventCounts[kind] = (out.eventCounts[kind] ?? 0) + n;
    }
    for (const f of names) {
      const key = `${f.rcode} ${f.name}`;
      const known = failed.get(key);
      if (!known) failed.set(key, { ...f });
      else {
        known.count += f.count;
        known.authoritative ||= f.authoritative;
        known.lastSeen = later(known.lastSeen, f.lastSeen);
        known.firstSeen = earlier(known.firstSeen, f.firstSeen);
      }
    }
    distinct.merge(registers);
    for (const u of s.upstreamErrors) {
      const known = upstreams.get(u.upstream);
      if (!known) upstreams.set(u.upstream, { ...u });
      else {
        known.timeouts += u.timeouts;
        known.other += u.other;
        known.lastSeen = later(known.lastSeen, u.lastSeen);
        known.firstSeen = earlier(known.firstSeen, u.firstSeen);
      }
    }
    for (const m of s.minutes) {
      const b = minutes.get(m.minute) ?? { ok: 0, failed: 0 };
      b.ok += m.ok;
      b.failed += m.failed;
      minutes.set(m.minute, b);
    }
    for (const e of s.events) {
      const list = events.get(e.kind) ?? [];
      events.set(e.kind, list);
      out.eventsDropped += keepFirstAndLatest(list, { ...e, lineNo: e.lineNo + lineOffset });
    }
    if (!options.separateLogs) lineOffset += s.lines;
  }
  out.failedNames = [...failed.values()]
    .sort((a, b) => b.count - a.count)
    .slice(0, TOP_FAILED_NAMES)
    .map((f) => ({ ...f, name: excerpt(f.name, 260), sample: excerpt(f.sample) }));
  out.distinctFailedNames = failed.size === 0 ? 0 : Math.max(distinct.estimate(), failed.size > 0 ? 1 : 0);
  out.upstreamErrors = [...upstreams.values()].sort((a, b) => b.timeouts + b.other - (a.timeouts + a.other));
  // Separate logs interleave by time; one log is in line order.
  const byTime = (a: LogEvent, b: LogEvent) => (a.at ?? '').localeCompare(b.at ?? '') || a.lineNo - b.lineNo;
  out.events = [...events.values()]
    .flat()
    .sort(options.separateLogs ? byTime : (a, b) => a.lineNo - b.lineNo);
  out.minutes = [...minutes.entries()].slice(-MAX_MINUTES).map(([minute, c]) => ({ minute, ...c }));
  return out;
}
