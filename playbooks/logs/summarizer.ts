/**
 * Streams a CoreDNS log into a LogSummary with bounded memory: counters, a capped table of the
 * most frequent failing names (Misra-Gries), capped events per kind, capped minute buckets.
 * Feed it Buffers of any size (`push`), then `end()`. Lines are decoded as latin1 so string
 * offsets are byte offsets and decoding can never fail; excerpts are re-decoded as UTF-8.
 */
import { DistinctCounter } from './distinct.js';
import { newQueryScan, scanQueryLine } from './fast-query.js';
import { clfToIso, type ParsedLine, parseLine } from './line.js';
import { nameClassifier } from './names.js';
import type {
  CodeCounts,
  FailedName,
  LogEvent,
  LogSummary,
  NameClass,
  Rcode,
  UpstreamErrors,
} from './summary-types.js';

export interface SummarizerOptions {
  clusterDomain?: string;
  /** Lines longer than this are counted as overlong and skipped (bounded memory). */
  maxLineBytes?: number;
  /** Labels events with where the lines came from (`kube-system/coredns-abc`). */
  source?: string;
}

const MAX_FAILED_NAMES = 2000;
const EVENTS_PER_KIND = 10;
const MAX_MINUTES = 1440;
const MAX_UPSTREAMS = 64;

/** Untrusted log text made safe to quote: UTF-8 decoded, control characters replaced, capped. */
export function excerpt(latin1: string, max = 300): string {
  const text = Buffer.from(latin1.length > max * 4 ? latin1.slice(0, max * 4) : latin1, 'latin1').toString(
    'utf8',
  );
  const clean = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

function zeroCounts(): CodeCounts {
  return { cluster: 0, 'search-expansion': 0, external: 0 };
}

export class LogSummarizer {
  private readonly clusterDomain: string;
  private readonly classify: (fqdn: string) => NameClass;
  private readonly maxLine: number;
  private readonly source: string | undefined;
  private carry: Buffer | undefined;
  private readonly scan = newQueryScan();
  private minuteKey = '';
  /** Where the latest query time sits in the current chunk: made a string once per chunk. */
  private lastAtLine: [string, number, number] | undefined;
  private minuteBucket: { ok: number; failed: number } | undefined;
  private skipping = false;
  private lineNo = 0;
  private readonly s: LogSummary;
  private readonly failed = new Map<string, FailedName>();
  private readonly distinctFailed = new DistinctCounter();
  private readonly upstreams = new Map<string, UpstreamErrors>();
  private readonly events = new Map<LogEvent['kind'], LogEvent[]>();
  private readonly minutes = new Map<string, { ok: number; failed: number }>();

  constructor(options: SummarizerOptions = {}) {
    this.clusterDomain = (options.clusterDomain ?? 'cluster.local').toLowerCase().replace(/^\.|\.$/g, '');
    this.classify = nameClassifier(this.clusterDomain);
    this.maxLine = options.maxLineBytes ?? 64 * 1024;
    this.source = options.source;
    this.s = {
      lines: 0,
      queries: 0,
      overlong: 0,
      unknown: 0,
      binary: 0,
      clusterDomain: this.clusterDomain,
      byRcode: {},
      noResponse: zeroCounts(),
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

  push(chunk: Buffer): void {
    const buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = undefined;
    const hasNul = buf.indexOf(0) >= 0;
    // latin1: string offsets are byte offsets, so the string finds lines and the bytes parse them.
    const text = buf.toString('latin1');
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      if (this.skipping) this.skipping = false;
      else this.line(buf, text, start, nl, hasNul);
      start = nl + 1;
    }
    this.flushLastTime();
    const rest = buf.length - start;
    if (this.skipping) return;
    if (rest > this.maxLine) {
      this.lineNo++;
      this.s.lines++;
      this.s.overlong++;
      this.skipping = true;
    } else if (rest > 0) {
      this.carry = Buffer.from(buf.subarray(start));
    }
  }

  end(): LogSummary {
    const last = this.carry;
    if (last && !this.skipping) this.line(last, last.toString('latin1'), 0, last.length, last.includes(0));
    this.carry = undefined;
    this.flushLastTime();
    const s = this.s;
    s.failedNames = [...this.failed.values()].sort((a, b) => b.count - a.count).slice(0, 100);
    s.distinctFailedNames = this.failed.size === 0 ? 0 : Math.max(this.distinctFailed.estimate(), 1);
    s.upstreamErrors = [...this.upstreams.values()].sort(
      (a, b) => b.timeouts + b.other - (a.timeouts + a.other),
    );
    s.events = [...this.events.values()].flat().sort((a, b) => a.lineNo - b.lineNo);
    s.minutes = [...this.minutes.entries()].map(([minute, c]) => ({ minute, ...c }));
    return s;
  }

  private line(buf: Buffer, text: string, start: number, end: number, maybeBinary: boolean): void {
    this.lineNo++;
    this.s.lines++;
    if (end - start > this.maxLine) {
      this.s.overlong++;
      return;
    }
    if (end > start && buf[end - 1] === 13) end--;
    if (end === start) return;
    if (maybeBinary && buf.indexOf(0, start) < end && buf.indexOf(0, start) >= 0) {
      this.s.binary++;
      return;
    }
    if (scanQueryLine(buf, start, end, this.scan)) this.query(buf, text, start, end);
    else this.other(parseLine(text.slice(start, end)), text.slice(start, end));
  }

  private other(p: ParsedLine, line: string): void {
    if (p.at) this.seenTime(p.at);
    switch (p.kind) {
      case 'upstream-error':
        this.upstreamError(p, line);
        break;
      case 'event':
        this.event(p, line);
        break;
      case 'version':
        this.s.version = p.version.replace(/^v/, '');
        break;
      case 'query':
      case 'known':
        break;
      default:
        this.s.unknown++;
    }
  }

  private flushLastTime(): void {
    if (!this.lastAtLine) return;
    const [text, from, to] = this.lastAtLine;
    const at = this.timeOf(text, from, to);
    if (at) this.s.lastTime = at;
    this.lastAtLine = undefined;
  }

  private seenTime(at: string): void {
    this.flushLastTime();
    this.s.firstTime ??= at;
    this.s.lastTime = at;
  }

  private query(buf: Buffer, text: string, start: number, end: number): void {
    const s = this.s;
    const q = this.scan;
    s.queries++;
    s.queryLogSeen = true;
    const nameClass = this.classify(text.slice(q.nameStart, q.nameEnd));
    const noResponse = q.flagsEnd - q.flagsStart === 1 && buf[q.flagsStart] === 45;
    const rcode = rcodeAt(buf, q.rcodeStart, q.rcodeEnd);
    if (noResponse) {
      s.noResponse[nameClass]++;
    } else {
      let counts = s.byRcode[rcode];
      if (!counts) {
        counts = zeroCounts();
        s.byRcode[rcode] = counts;
      }
      counts[nameClass]++;
      if (hasFlag(buf, q.flagsStart, q.flagsEnd, 116, 99)) s.truncated++;
    }
    const failedHard = noResponse || rcode === 'SERVFAIL' || rcode === 'REFUSED';
    const tracked = failedHard || (rcode === 'NXDOMAIN' && nameClass !== 'search-expansion');
    let at: string | undefined;
    if (q.atStart >= 0) {
      // Materialise the time only when it matters: a new minute, a failure, or the chunk's last line.
      const minuteChanged = !sameBytes(buf, q.atStart, this.minuteKey);
      if (minuteChanged || tracked) at = this.timeOf(text, q.atStart, q.atEnd);
      if (minuteChanged && at) this.minuteBucket = this.bucket(at);
      this.lastAtLine = [text, q.atStart, q.atEnd];
      if (this.minuteBucket) {
        if (failedHard) this.minuteBucket.failed++;
        else this.minuteBucket.ok++;
      }
    }
    if (tracked) {
      const authoritative = !noResponse && hasFlag(buf, q.flagsStart, q.flagsEnd, 97, 97);
      const name = text.slice(q.nameStart, q.nameEnd);
      this.failedName(
        name,
        noResponse ? 'TIMEOUT' : rcode,
        nameClass,
        authoritative,
        at,
        text.slice(start, end),
      );
    }
  }

  private timeOf(text: string, from: number, to: number): string | undefined {
    const raw = text.slice(from, to);
    const at = raw.charCodeAt(0) === 91 ? clfToIso(raw) : raw;
    if (at) this.s.firstTime ??= at;
    return at;
  }

  private bucket(at: string): { ok: number; failed: number } {
    this.minuteKey = at.slice(0, 16);
    let bucket = this.minutes.get(this.minuteKey);
    if (!bucket) {
      if (this.minutes.size >= MAX_MINUTES) {
        const oldest = this.minutes.keys().next().value;
        if (oldest !== undefined) this.minutes.delete(oldest);
      }
      bucket = { ok: 0, failed: 0 };
      this.minutes.set(this.minuteKey, bucket);
    }
    return bucket;
  }

  private failedName(
    name: string,
    rcode: FailedName['rcode'],
    nameClass: NameClass,
    authoritative: boolean,
    at: string | undefined,
    line: string,
  ): void {
    const key = `${rcode} ${name}`;
    this.distinctFailed.add(key);
    const known = this.failed.get(key);
    if (known) {
      known.count++;
      if (at) known.lastSeen = at;
      return;
    }
    if (this.failed.size >= MAX_FAILED_NAMES) this.shrinkFailed();
    const entry: FailedName = {
      name: excerpt(name, 260),
      rcode,
      nameClass,
      count: 1,
      authoritative,
      sample: excerpt(line),
    };
    if (at) {
      entry.firstSeen = at;
      entry.lastSeen = at;
    }
    this.failed.set(key, entry);
  }

  /** Misra-Gries step: every count drops by one and the zeros go, so frequent names survive. */
  private shrinkFailed(): void {
    for (const [key, entry] of this.failed) {
      entry.count--;
      if (entry.count <= 0) this.failed.delete(key);
    }
  }

  private upstreamError(p: Extract<ParsedLine, { kind: 'upstream-error' }>, line: string): void {
    const key = p.upstream ?? 'unknown';
    let u = this.upstreams.get(key);
    if (!u) {
      if (this.upstreams.size >= MAX_UPSTREAMS) return;
      u = { upstream: key, timeouts: 0, other: 0, sample: excerpt(line) };
      if (p.at) u.firstSeen = p.at;
      this.upstreams.set(key, u);
    }
    if (p.timeout) u.timeouts++;
    else u.other++;
    if (p.at) u.lastSeen = p.at;
  }

  private event(p: Extract<ParsedLine, { kind: 'event' }>, line: string): void {
    const e: LogEvent = { kind: p.event, lineNo: this.lineNo, line: excerpt(line) };
    if (p.at) e.at = p.at;
    if (p.detail) e.detail = excerpt(p.detail, 200);
    if (this.source) e.source = this.source;
    let list = this.events.get(p.event);
    if (!list) {
      list = [];
      this.events.set(p.event, list);
    }
    // Keep the first few and always the latest: "did a later reload succeed" needs the last one.
    if (list.length <= EVENTS_PER_KIND) list.push(e);
    else {
      list[EVENTS_PER_KIND] = e;
      this.s.eventsDropped++;
    }
  }
}

/** The rcode token at b[start..end) without making a string of it. */
function rcodeAt(b: Buffer, start: number, end: number): Rcode {
  const len = end - start;
  const c0 = b[start];
  const c1 = b[start + 1];
  if (c0 === 78 /* N */) {
    if (len === 7 && c1 === 79) return 'NOERROR';
    if (len === 8 && c1 === 88) return 'NXDOMAIN';
    if (len === 6 && c1 === 79) return 'NOTIMP';
  } else if (c0 === 83 && len === 8) return 'SERVFAIL';
  else if (c0 === 82 && len === 7) return 'REFUSED';
  else if (c0 === 70 && len === 7) return 'FORMERR';
  return 'OTHER';
}

/** Whether the comma-joined flags at b[start..end) contain the two-letter flag `c1c2`. */
function hasFlag(b: Buffer, start: number, end: number, c1: number, c2: number): boolean {
  for (let i = start; i + 1 < end; i += 3) if (b[i] === c1 && b[i + 1] === c2) return true;
  return false;
}

/** Whether b at `from` starts with the ASCII `key` (the current minute, `2026-11-26T09:00`). */
function sameBytes(b: Buffer, from: number, key: string): boolean {
  if (key.length === 0) return false;
  for (let i = 0; i < key.length; i++) if (b[from + i] !== key.charCodeAt(i)) return false;
  return true;
}
