/**
 * Streams a CoreDNS log into a LogSummary with bounded memory: counters, a capped table of the
 * most frequent failing names (Misra-Gries), capped events per kind, capped minute buckets.
 * Feed it Buffers of any size (`push`), then `end()`; or take `partial()` from several
 * summarisers over consecutive parts of one log and `mergePartials` them (parallel reading).
 * Each chunk is decoded as latin1 once (string offsets are byte offsets, and decoding cannot
 * fail), for the native `indexOf`; single bytes are read from the Buffer (see fast-query.ts).
 * What is kept (a failing name, a time, a non-query line) is sliced from the Buffer into a
 * string of its own; excerpts are re-decoded as UTF-8.
 */
import { DistinctCounter, FNV_START, fnvBytes, fnvString } from './distinct.js';
import { newQueryScan, scanQueryLine } from './fast-query.js';
import { FixedBytes } from './fixed-bytes.js';
import { clfToIso, type ParsedLine, parseLine } from './line.js';
import { NAME_CLASSES, type NameClassifier, nameClassifier } from './names.js';
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

/** Failing names tracked per reader; beyond it the table keeps the frequent ones (Misra-Gries). */
export const MAX_FAILED_NAMES = 2000;
const TOP_FAILED_NAMES = 100;
const EVENTS_PER_KIND = 10;
const MAX_MINUTES = 1440;
const MAX_UPSTREAMS = 64;
/** Counter rows: the rcodes in this order, then "no response". */
const RCODES: readonly Rcode[] = ['NOERROR', 'NXDOMAIN', 'SERVFAIL', 'REFUSED', 'FORMERR', 'NOTIMP', 'OTHER'];
const NO_RESPONSE = RCODES.length;
const [NOERROR, NXDOMAIN, SERVFAIL, REFUSED, FORMERR, NOTIMP, OTHER] = [0, 1, 2, 3, 4, 5, 6];
const EXPANSION = NAME_CLASSES.indexOf('search-expansion');
/** A failing name's code as reported, per counter row: "no response" is reported as TIMEOUT. */
const FAILED_CODES: readonly FailedName['rcode'][] = [...RCODES, 'TIMEOUT'];
/** FNV-1a of `${code} ` per row, where the distinct count's hash of `${code} ${name}` starts. */
const CODE_HASHES = FAILED_CODES.map((c) => fnvString(FNV_START, `${c} `));
/** Bytes up to the minute: `2026-11-26T09:14`, `[26/Nov/2026:09:14`. */
const ISO_MINUTE = 16;
const CLF_MINUTE = 18;

/**
 * The current minute of one time format as raw bytes, and its bucket: most lines fall in the
 * minute of the line before, recognised by comparing bytes instead of making a string.
 */
interface MinuteSlot {
  minute: FixedBytes;
  bucket: { ok: number; failed: number } | undefined;
}

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
  private readonly classify: NameClassifier;
  private readonly maxLine: number;
  private readonly source: string | undefined;
  private readonly s: LogSummary;
  private readonly scan = newQueryScan();
  /** Responses per rcode row x name class, as plain numbers (keyed objects are slow here). */
  private readonly codes = new Float64Array((RCODES.length + 1) * 3);
  private carry: Buffer | undefined;
  private skipping = false;
  private lineNo = 0;
  /** The current minute per time format (eras can alternate line by line). */
  private readonly isoMinute: MinuteSlot = { minute: new FixedBytes(ISO_MINUTE), bucket: undefined };
  private readonly clfMinute: MinuteSlot = { minute: new FixedBytes(CLF_MINUTE), bucket: undefined };
  /** Where the latest query time sits in the current chunk: made a string once per chunk. */
  private lastAtBytes: Buffer | undefined;
  private lastAtStart = 0;
  private lastAtEnd = 0;
  /** The latest CLF time and its ISO form. */
  private lastClf: { raw: string; at: string | undefined } = { raw: '', at: undefined };
  private readonly failed = new Map<string, FailedName>();
  private readonly distinctFailed = new DistinctCounter();
  private readonly upstreams = new Map<string, UpstreamErrors>();
  /** The first events of each kind; after them only the latest, kept raw until `partial()`. */
  private readonly events = new Map<LogEvent['kind'], LogEvent[]>();
  private readonly latestEvents = new Map<LogEvent['kind'], { p: EventLine; line: string; lineNo: number }>();
  private readonly minutes = new Map<string, { ok: number; failed: number }>();

  constructor(options: SummarizerOptions = {}) {
    this.clusterDomain = (options.clusterDomain ?? 'cluster.local').toLowerCase().replace(/^\.|\.$/g, '');
    this.classify = nameClassifier(this.clusterDomain);
    this.maxLine = options.maxLineBytes ?? 64 * 1024;
    this.source = options.source;
    this.s = emptySummary(this.clusterDomain);
  }

  push(chunk: Buffer): void {
    let from = 0;
    if (this.skipping) {
      // Inside an overlong line: find its end, reading nothing else.
      const nl = chunk.indexOf(10);
      if (nl < 0) return;
      this.skipping = false;
      from = nl + 1;
    }
    if (this.carry) {
      // The line the previous chunk cut, joined in a buffer of its own: no chunk is ever copied.
      const nl = chunk.indexOf(10, from);
      const line = Buffer.concat([this.carry, chunk.subarray(from, nl < 0 ? chunk.length : nl)]);
      this.carry = undefined;
      if (nl < 0) {
        this.keepRest(line, 0);
        return;
      }
      this.line(line.toString('latin1'), line, 0, line.length, line.indexOf(0) >= 0);
      from = nl + 1;
    }
    this.lines(chunk, from);
    this.flushLastTime();
  }

  /** The complete lines of b from `from`; the unterminated rest is kept for the next chunk. */
  private lines(b: Buffer, from: number): void {
    const hasNul = b.indexOf(0, from) >= 0;
    const t = b.toString('latin1');
    let start = from;
    for (;;) {
      const nl = t.indexOf('\n', start);
      if (nl < 0) break;
      this.line(t, b, start, nl, hasNul);
      start = nl + 1;
    }
    this.keepRest(b, start);
  }

  /** Keeps b[start..) as the start of the next line (a copy: the caller may reuse `b`). */
  private keepRest(b: Buffer, start: number): void {
    const rest = b.length - start;
    if (rest > this.maxLine) {
      this.lineNo++;
      this.s.lines++;
      this.s.overlong++;
      this.skipping = true;
    } else if (rest > 0) {
      this.carry = Buffer.from(b.subarray(start));
    }
  }

  /** Everything seen so far, for `mergePartials`. Ends the input (a final unterminated line counts). */
  partial(): PartialSummary {
    const last = this.carry;
    if (last && !this.skipping)
      this.line(last.toString('latin1'), last, 0, last.length, last.indexOf(0) >= 0);
    this.carry = undefined;
    this.flushLastTime();
    const s = this.s;
    for (let r = 0; r < RCODES.length; r++) {
      const c = countsOf(this.codes, r);
      if (c.cluster + c['search-expansion'] + c.external > 0) s.byRcode[RCODES[r] ?? 'OTHER'] = c;
    }
    s.noResponse = countsOf(this.codes, NO_RESPONSE);
    s.upstreamErrors = [...this.upstreams.values()];
    const latest = [...this.latestEvents.values()].map((e) => this.toEvent(e.p, e.line, e.lineNo));
    s.events = [...this.events.values(), latest].flat().sort((a, b) => a.lineNo - b.lineNo);
    s.minutes = [...this.minutes.entries()].map(([minute, c]) => ({ minute, ...c }));
    return { summary: s, failed: [...this.failed.values()], registers: this.distinctFailed.registers };
  }

  end(): LogSummary {
    return mergePartials([this.partial()]);
  }

  /** The line at [start..end) of `b`, whose latin1 decoding is `t`. */
  private line(t: string, b: Buffer, start: number, end: number, maybeBinary: boolean): void {
    this.lineNo++;
    this.s.lines++;
    if (end - start > this.maxLine) {
      this.s.overlong++;
      return;
    }
    if (end > start && b[end - 1] === 13) end--;
    if (end === start) return;
    if (maybeBinary) {
      const nul = b.indexOf(0, start);
      if (nul >= 0 && nul < end) {
        this.s.binary++;
        return;
      }
    }
    if (scanQueryLine(t, b, start, end, this.scan)) this.query(b, start, end);
    else {
      // A string of its own: a slice of `t` would keep the whole chunk alive as long as it is kept.
      const line = b.toString('latin1', start, end);
      this.other(parseLine(line), line);
    }
  }

  private other(p: ParsedLine, line: string): void {
    if (p.at) {
      this.flushLastTime();
      this.s.firstTime ??= p.at;
      this.s.lastTime = p.at;
    }
    if (p.kind !== 'unknown') this.s.recognised++;
    if (p.kind === 'upstream-error') this.upstreamError(p, line);
    else if (p.kind === 'event') this.event(p, line);
    else if (p.kind === 'version') this.s.version = p.version.replace(/^v/, '');
    else if (p.kind === 'unknown') this.s.unknown++;
  }

  private query(b: Buffer, start: number, end: number): void {
    const s = this.s;
    const q = this.scan;
    s.queries++;
    s.recognised++;
    s.queryLogSeen = true;
    const nameClass = this.classify(b, q.nameStart, q.nameEnd);
    const noResponse = q.flagsEnd - q.flagsStart === 1 && b[q.flagsStart] === 45;
    const rcode = noResponse ? NO_RESPONSE : rcodeAt(b, q.rcodeStart, q.rcodeEnd);
    const cell = rcode * 3 + nameClass;
    this.codes[cell] = (this.codes[cell] ?? 0) + 1;
    if (!noResponse && hasFlag(b, q.flagsStart, q.flagsEnd, 116, 99)) s.truncated++;
    const failedHard = rcode === NO_RESPONSE || rcode === SERVFAIL || rcode === REFUSED;
    const tracked = failedHard || (rcode === NXDOMAIN && nameClass !== EXPANSION);
    let at: string | undefined;
    if (q.atStart >= 0) {
      // Make the time a string only when it matters: a new minute, a failure, or the chunk's last
      // line. The minute is recognised in the raw bytes, per format.
      const slot = b[q.atStart] === 91 ? this.clfMinute : this.isoMinute;
      const minuteChanged = !slot.minute.matches(b, q.atStart);
      if (minuteChanged || tracked) at = this.timeOf(b, q.atStart, q.atEnd);
      if (minuteChanged && at) {
        slot.minute.copyFrom(b, q.atStart);
        slot.bucket = this.bucket(at);
      }
      const bucket = slot.bucket;
      // Fields, not a tuple: this runs for every timestamped line and must not allocate.
      this.lastAtBytes = b;
      this.lastAtStart = q.atStart;
      this.lastAtEnd = q.atEnd;
      if (bucket) {
        if (failedHard) bucket.failed++;
        else bucket.ok++;
      }
    }
    if (tracked) {
      const authoritative = !noResponse && hasFlag(b, q.flagsStart, q.flagsEnd, 97, 97);
      this.failedName(b, start, end, rcode, NAME_CLASSES[nameClass] ?? 'external', authoritative, at);
    }
  }

  private flushLastTime(): void {
    const b = this.lastAtBytes;
    if (b === undefined) return;
    this.lastAtBytes = undefined;
    const at = this.timeOf(b, this.lastAtStart, this.lastAtEnd);
    if (at) this.s.lastTime = at;
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
    row: number,
    nameClass: NameClass,
    authoritative: boolean,
    at: string | undefined,
  ): void {
    const { nameStart, nameEnd } = this.scan;
    const rcode = FAILED_CODES[row] ?? 'OTHER';
    // The distinct count hashes `${rcode} ${name}` from the bytes, as DistinctCounter.add would,
    // from the hash of its code (made once, not per line).
    this.distinctFailed.addHash(fnvBytes(CODE_HASHES[row] ?? FNV_START, b, nameStart, nameEnd));
    const name = b.toString('latin1', nameStart, nameEnd);
    const key = `${rcode} ${name}`;
    const known = this.failed.get(key);
    if (known) {
      known.count++;
      if (at) known.lastSeen = at;
      return;
    }
    if (this.failed.size >= MAX_FAILED_NAMES) shrink(this.failed);
    const entry: FailedName = {
      // Raw until the end: only the names that make the top list are made safe to quote.
      name,
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
    this.failed.set(key, entry);
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

  private event(p: EventLine, line: string): void {
    this.s.eventCounts ??= {};
    this.s.eventCounts[p.event] = (this.s.eventCounts[p.event] ?? 0) + 1;
    let list = this.events.get(p.event);
    if (!list) {
      list = [];
      this.events.set(p.event, list);
    }
    // As keepFirstAndLatest, but the latest is made safe to quote only at the end: that costs more
    // than reading the line, and most latest ones are replaced.
    if (list.length < EVENTS_PER_KIND) list.push(this.toEvent(p, line, this.lineNo));
    else {
      if (this.latestEvents.has(p.event)) this.s.eventsDropped++;
      this.latestEvents.set(p.event, { p, line, lineNo: this.lineNo });
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
function shrink(failed: Map<string, FailedName>): void {
  failed.forEach((entry, key) => {
    entry.count--;
    if (entry.count <= 0) failed.delete(key);
  });
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

/** The rcode row of the token at b[start..end), without making a string of it. */
function rcodeAt(b: Buffer, start: number, end: number): number {
  const len = end - start;
  const c0 = b[start];
  const c1 = b[start + 1];
  if (c0 === 78 /* N */) {
    if (len === 7 && c1 === 79) return NOERROR;
    if (len === 8 && c1 === 88) return NXDOMAIN;
    if (len === 6 && c1 === 79) return NOTIMP;
  } else if (c0 === 83 && len === 8) return SERVFAIL;
  else if (c0 === 82 && len === 7) return REFUSED;
  else if (c0 === 70 && len === 7) return FORMERR;
  return OTHER;
}

/** Whether the comma-joined flags at b[start..end) contain the two-letter flag `c1c2`. */
function hasFlag(b: Buffer, start: number, end: number, c1: number, c2: number): boolean {
  for (let i = start; i + 1 < end; i += 3) if (b[i] === c1 && b[i + 1] === c2) return true;
  return false;
}
