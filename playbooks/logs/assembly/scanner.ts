/**
 * The log hot path in AssemblyScript (compiled to WebAssembly by `npm run build:wasm`): reads the
 * complete lines of a buffer in this module's memory, counts the query-log lines it can account
 * for alone, and leaves a record for each line JavaScript must see (scanner.ts, summarizer.ts):
 * every other line, and a query line that failed or opens a new minute. About a tenth of the
 * instructions per line of the same logic in JavaScript, which made `dnsmedic logs` CPU-bound.
 *
 * Its query-line grammar is the strict one (a line it rejects goes to line.ts's `parseLine`, which
 * reads it as an event, an error or unknown); the name classes are names.ts's rules. The
 * summariser tests run through it. Positions are byte offsets in memory; -1 is "none".
 * Reads up to MAX_OVERREAD bytes past a line's end, only before a bounded check that then fails
 * (the host pads the buffer by more, so no read leaves memory).
 */

// --- memory the host writes and reads (pointers exported below) ---
// The exported constants are the layout the host (scanner.ts) reads; a test compares its copy.

// Regions after the module's static data, in memory the host creates zeroed (no data segments).
const BASE: usize = (__heap_base + 63) & ~63;
/** Counters, f64 (exact to 2^53): rcode row x name class, then the totals. */
const COUNTS = BASE;
const CLASSES = 3;
/** Rows: NOERROR NXDOMAIN SERVFAIL REFUSED FORMERR NOTIMP OTHER, then no response. */
const NOERROR = 0;
const NXDOMAIN = 1;
const SERVFAIL = 2;
const REFUSED = 3;
const FORMERR = 4;
const NOTIMP = 5;
const OTHER = 6;
const NO_RESPONSE = 7;
export const QUERIES = 24;
export const TRUNCATED = 25;
export const OVERLONG = 26;
export const BINARY = 27;
/** Lines in a minute already seen, per time format (0 ISO, 1 CLF): ok, failed. */
export const PENDING = 28;

/** Counter slots the host may read (f64 each). */
export const COUNT_SLOTS = 64;

/** Records: the lines JavaScript must see, in line order. */
export const RECORD_FIELDS = 16;
export const MAX_RECORDS = 4096;
const RECORDS = BASE + 6144;
export const R_KIND = 0;
export const R_LINE = 1; // 1-based line number within this call
export const R_START = 2;
export const R_END = 3;
export const R_AT_START = 4;
export const R_AT_END = 5;
export const R_NAME_START = 6;
export const R_NAME_END = 7;
export const R_ROW = 8;
export const R_CLASS = 9;
export const R_BITS = 10;
/** With a new minute: the lines counted in the format's previous minute since the last read. */
export const R_PENDING_OK = 11;
export const R_PENDING_FAILED = 12;
export const KIND_OTHER = 1;
const KIND_QUERY = 2;
export const BIT_TRACKED = 1;
export const BIT_NEW_MINUTE = 2;
export const BIT_AUTHORITATIVE = 4;

/** The cluster domain as `.<domain>.` (lower case), then the word sets and cloud suffixes. */
const DOMAIN = BASE + 512;
const SETS = BASE + 1024;
export const SET_SIZE = 2048;
export const SET_TABLE = 32; // one u32 per word length: offset | count << 16, then the words
const EXTERNAL_TLDS = 0;
const NAMESPACE_TLDS = 1;
const SUFFIXES = BASE + 5120;
export const SUFFIXES_SIZE = 256;
/** The minute of the last timestamped query line, per format; 0 until the first. */
const MINUTES = BASE + 5376; // 64 bytes, then 32 of scratch
const ISO_MINUTE = 16;
const CLF_MINUTE = 18;
/** The furthest read past a line's end: the CLF minute compared from a time near it. */
export const MAX_OVERREAD = 32;

let domainLen: i32 = 0;
let maxLine: i32 = 64 * 1024;
let minuteKnown0 = false;
let minuteKnown1 = false;

/** Set by `scan`: records written, lines read, and the last timestamped query line (or -1). */
let records: i32 = 0;
let lines: i32 = 0;
let lastAtStart: i32 = -1;
let lastAtEnd: i32 = -1;
let lastAtLine: i32 = -1;

export function countsPtr(): usize {
  return COUNTS;
}
export function recordsPtr(): usize {
  return RECORDS;
}
export function domainPtr(): usize {
  return DOMAIN;
}
export function setPtr(set: i32): usize {
  return SETS + <usize>(set * SET_SIZE);
}
export function suffixesPtr(): usize {
  return SUFFIXES;
}
/** Where the host may put lines: after the records. */
export function bufferStart(): usize {
  return RECORDS + <usize>(RECORD_FIELDS * 4 * MAX_RECORDS);
}
/** The domain suffix right-aligned in 16 bytes, and which of those bytes are the suffix's. */
let suffixBytes = i8x16.splat(0);
let suffixCare = i8x16.splat(0);

export function configure(domainBytes: i32, maxLineBytes: i32): void {
  domainLen = domainBytes;
  maxLine = maxLineBytes;
  if (domainLen > 16) return;
  const pattern = MINUTES + 64; // scratch: 32 bytes after the minutes
  memory.fill(pattern, 0, 32);
  memory.copy(pattern + <usize>(16 - domainLen), DOMAIN, <usize>domainLen);
  memory.fill(pattern + 16 + <usize>(16 - domainLen), 0xff, <usize>domainLen);
  suffixBytes = v128.load(pattern);
  suffixCare = v128.load(pattern + 16);
}

/** [end - domainLen, end) is the domain suffix, ignoring ASCII case (matchesAt's rule). */
@inline function endsWithDomain(end: i32): bool {
  if (domainLen > 16) return matchesAt(end - domainLen, DOMAIN, domainLen);
  // Sixteen bytes ending at `end` (the ones before the suffix are masked out; memory is there).
  const v = v128.or(v128.load(<usize>(end - 16)), i8x16.splat(0x20));
  return !v128.any_true(v128.and(v128.xor(v, suffixBytes), suffixCare));
}
export function recordCount(): i32 {
  return records;
}
export function lineCount(): i32 {
  return lines;
}
export function lastTimeStart(): i32 {
  return lastAtStart;
}
export function lastTimeEnd(): i32 {
  return lastAtEnd;
}
export function lastTimeLine(): i32 {
  return lastAtLine;
}

// --- bytes ---

@inline function byte(p: i32): u32 {
  return <u32>load<u8>(<usize>p);
}

@inline function isDigit(c: u32): bool {
  return c - 48 < 10;
}

@inline function count(slot: i32): void {
  const p = COUNTS + (<usize>slot << 3);
  store<f64>(p, load<f64>(p) + 1);
}

/** The first `c` in [from, end), or -1: sixteen bytes at a time. */
@inline function find(from: i32, end: i32, c: u8): i32 {
  let p = from;
  const splat = i8x16.splat(c);
  while (p + 16 <= end) {
    const m = i8x16.bitmask(i8x16.eq(v128.load(<usize>p), splat));
    if (m != 0) return p + ctz(m);
    p += 16;
  }
  while (p < end) {
    if (byte(p) == c) return p;
    p++;
  }
  return -1;
}

/** A short field's end (the next space) in [from, end), or -1, byte by byte. */
@inline function shortField(from: i32, end: i32): i32 {
  for (let i = from; i < end; i++) if (byte(i) == 32) return i;
  return -1;
}

/** The line's end (its newline) at or after `from`, or -1; sets `sawNul` if a NUL comes first. */
let sawNul = false;
function lineEnd(from: i32, end: i32): i32 {
  let p = from;
  const nl = i8x16.splat(10);
  const nul = i8x16.splat(0);
  while (p + 16 <= end) {
    const v = v128.load(<usize>p);
    let m = i8x16.bitmask(v128.or(i8x16.eq(v, nl), i8x16.eq(v, nul)));
    while (m != 0) {
      const at = p + ctz(m);
      if (byte(at) == 10) return at;
      sawNul = true;
      m &= m - 1;
    }
    p += 16;
  }
  while (p < end) {
    const c = byte(p);
    if (c == 10) return p;
    if (c == 0) sawNul = true;
    p++;
  }
  return -1;
}

/** [p, p+n) equals the lower-case bytes at `word`, ignoring ASCII case. */
@inline function matchesAt(p: i32, word: usize, n: i32): bool {
  for (let i = n - 1; i >= 0; i--) if ((byte(p + i) | 0x20) != <u32>load<u8>(word + <usize>i)) return false;
  return true;
}

/** The label [from, to) is a word of the set. */
function labelIn(from: i32, to: i32, set: i32): bool {
  const n = to - from;
  if (n <= 0 || n >= SET_TABLE) return false;
  const base = SETS + <usize>(set * SET_SIZE);
  const entry = load<u32>(base + (<usize>n << 2));
  const words = entry >>> 16;
  let word = base + <usize>(SET_TABLE * 4) + <usize>(entry & 0xffff);
  for (let k: u32 = 0; k < words; k++) {
    if (matchesAt(from, word, n)) return true;
    word += <usize>n;
  }
  return false;
}

@inline function isWord3(p: i32, c0: u32, c1: u32, c2: u32): bool {
  return (byte(p + 2) | 0x20) == c2 && (byte(p + 1) | 0x20) == c1 && (byte(p) | 0x20) == c0;
}

function lastDot(from: i32, start: i32): i32 {
  for (let i = from; i >= start; i--) if (byte(i) == 46) return i;
  return -1;
}

function dots(start: i32, end: i32): i32 {
  let n = 0;
  for (let i = start; i < end; i++) if (byte(i) == 46) n++;
  return n;
}

// --- name classes (names.ts) ---

const CLUSTER = 0;
const EXPANSION = 1;
const EXTERNAL = 2;

export function classify(start: i32, end: i32): i32 {
  const len = end - start;
  const apexLen = domainLen - 1;
  if (len == apexLen && matchesAt(start, DOMAIN + 1, apexLen)) return CLUSTER;
  if (len <= domainLen || !endsWithDomain(end)) {
    // Cloud search suffixes: count, then (length, bytes) each.
    let s = SUFFIXES + 1;
    for (let k: u32 = 0, n = <u32>load<u8>(SUFFIXES); k < n; k++) {
      const sl = <i32>load<u8>(s);
      if (len >= sl && matchesAt(end - sl, s + 1, sl)) return EXPANSION;
      s += 1 + <usize>sl;
    }
    return EXTERNAL;
  }
  const restEnd = end - domainLen;
  const kindStart = restEnd - 3;
  const kindDot = kindStart - 1;
  if (kindStart < start || (kindDot >= start && byte(kindDot) != 46)) return EXPANSION;
  if (isWord3(kindStart, 112, 111, 100)) return dots(start, restEnd) == 2 ? CLUSTER : EXPANSION;
  if (!isWord3(kindStart, 115, 118, 99) || kindDot < start) return EXPANSION;
  const nsDot = lastDot(kindDot - 1, start);
  if (nsDot < 0 || labelIn(nsDot + 1, kindDot, NAMESPACE_TLDS)) return EXPANSION;
  let before = 1;
  let labelStart = start;
  let firstDot = -1;
  const most = byte(start) == 95 ? 4 : 3;
  for (let i = nsDot - 1; i >= start && before < most; i--) {
    if (byte(i) != 46) continue;
    if (before == 1) labelStart = i + 1;
    firstDot = i;
    before++;
  }
  if (before == 1 || before == 2) return labelIn(labelStart, nsDot, EXTERNAL_TLDS) ? EXPANSION : CLUSTER;
  return before == 3 && byte(start) == 95 && byte(firstDot + 1) == 95 ? CLUSTER : EXPANSION;
}

// --- query lines (line.ts's grammar, on bytes) ---

let atStart: i32 = -1;
let atEnd: i32 = -1;
let nameStart: i32 = 0;
let nameEnd: i32 = 0;
let rcodeStart: i32 = 0;
let rcodeEnd: i32 = 0;
let flagsStart: i32 = 0;
let flagsEnd: i32 = 0;

/** Whether [start, end) is a query-log line of any era; fills the fields above. */
function queryLine(start: i32, end: i32): bool {
  let p = start;
  atStart = -1;
  // `kubectl logs --prefix`: `[pod/<pod>/<container>] ` before everything else.
  if (byte(p) == 91 && byte(p + 1) == 112 && byte(p + 2) == 111 && byte(p + 3) == 100 && byte(p + 4) == 47) {
    const close = p + 5 < end ? find(p + 5, end, 93) : -1;
    if (close < 0 || byte(close + 1) != 32) return false;
    p = close + 2;
  }
  // Up to two ISO-8601 prefixes (kubectl --timestamps, then the 1.2.6-1.6.2 era's own).
  for (let k = 0; k < 2; k++) {
    if (!(isDigit(byte(p)) && byte(p + 4) == 45 && byte(p + 10) == 84)) break;
    const limit = min(end, p + 40);
    const sp = p + 19 < limit ? find(p + 19, limit, 32) : -1;
    if (sp < 0) return false;
    if (atStart < 0) {
      atStart = p;
      atEnd = sp;
    }
    p = sp + 1;
  }
  if (byte(p) == 91) {
    // Only `[INFO] ` precedes query lines.
    if (byte(p + 1) != 73 || byte(p + 5) != 93 || byte(p + 6) != 32) return false;
    p += 7;
  }
  const remoteEnd = p < end ? find(p, end, 32) : -1;
  if (remoteEnd < 0 || byte(remoteEnd + 1) != 45 || byte(remoteEnd + 2) != 32) return false;
  p = remoteEnd + 3;
  if (byte(p) == 91) {
    // <= 1.2.5: `[07/Sep/2018:15:29:11 +0000] ` before the id.
    const close = p < end ? find(p, end, 93) : -1;
    if (close < 0) return false;
    if (atStart < 0) {
      atStart = p;
      atEnd = close + 1;
    }
    p = close + 2;
  }
  const idEnd = shortField(p, end);
  if (idEnd < 0 || byte(idEnd + 1) != 34) return false;
  const typeEnd = shortField(idEnd + 2, end);
  const classEnd = typeEnd < 0 ? -1 : shortField(typeEnd + 1, end);
  const nEnd = classEnd < 0 || classEnd + 1 >= end ? -1 : find(classEnd + 1, end, 32);
  if (nEnd < 0) return false;
  const close = find(nEnd, end, 34);
  if (close < 0 || byte(close + 1) != 32) return false;
  const rEnd = shortField(close + 2, end);
  const fEnd = rEnd < 0 ? -1 : shortField(rEnd + 1, end);
  if (fEnd < 0) return false;
  nameStart = classEnd + 1;
  nameEnd = nEnd;
  rcodeStart = close + 2;
  rcodeEnd = rEnd;
  flagsStart = rEnd + 1;
  flagsEnd = fEnd;
  return true;
}

function rcodeAt(start: i32, end: i32): i32 {
  const len = end - start;
  const c0 = byte(start);
  const c1 = byte(start + 1);
  if (c0 == 78) {
    if (len == 7 && c1 == 79) return NOERROR;
    if (len == 8 && c1 == 88) return NXDOMAIN;
    if (len == 6 && c1 == 79) return NOTIMP;
  } else if (c0 == 83 && len == 8) return SERVFAIL;
  else if (c0 == 82 && len == 7) return REFUSED;
  else if (c0 == 70 && len == 7) return FORMERR;
  return OTHER;
}

/** The comma-joined flags [start, end) hold the two-letter flag c1c2. */
function hasFlag(start: i32, end: i32, c1: u32, c2: u32): bool {
  for (let i = start; i + 1 < end; i += 3) if (byte(i) == c1 && byte(i + 1) == c2) return true;
  return false;
}

@inline function m3(a: u32, b: u32, c: u32): u32 {
  return a | (b << 8) | (c << 16);
}

@inline function digits(p: i32, n: i32): bool {
  for (let i = 0; i < n; i++) if (!isDigit(byte(p + i))) return false;
  return true;
}

/**
 * A CLF time `[07/Sep/2018:15:29:11 +0000]` that line.ts's clfToIso converts: only such a time
 * makes its minute the current one (the host cannot count lines into a minute it cannot name).
 */
function validClf(start: i32, end: i32): bool {
  if (end - start != 28 || byte(start + 27) != 93) return false;
  const m = m3(byte(start + 4), byte(start + 5), byte(start + 6));
  const month =
    m == m3(74, 97, 110) || m == m3(70, 101, 98) || m == m3(77, 97, 114) || m == m3(65, 112, 114) ||
    m == m3(77, 97, 121) || m == m3(74, 117, 110) || m == m3(74, 117, 108) || m == m3(65, 117, 103) ||
    m == m3(83, 101, 112) || m == m3(79, 99, 116) || m == m3(78, 111, 118) || m == m3(68, 101, 99);
  const sign = byte(start + 22);
  return (
    month && digits(start + 1, 2) && byte(start + 3) == 47 && byte(start + 7) == 47 && digits(start + 8, 4) &&
    byte(start + 12) == 58 && digits(start + 13, 2) && byte(start + 15) == 58 && digits(start + 16, 2) &&
    byte(start + 18) == 58 && digits(start + 19, 2) && byte(start + 21) == 32 && (sign == 43 || sign == 45) &&
    digits(start + 23, 4)
  );
}

/** The minute at `at` equals the last one of its format; if not, it becomes it (if it names one). */
function sameMinute(slot: i32, at: i32, atEnd: i32): bool {
  const mine = MINUTES + <usize>(slot * 32);
  const n = slot == 0 ? ISO_MINUTE : CLF_MINUTE;
  const known = slot == 0 ? minuteKnown0 : minuteKnown1;
  let same = known && !v128.any_true(v128.xor(v128.load(<usize>at), v128.load(mine)));
  if (same && n > 16) same = load<u16>(<usize>(at + 16)) == load<u16>(mine + 16);
  if (same) return true;
  if (slot == 1 && !validClf(at, atEnd)) return false;
  memory.copy(mine, <usize>at, <usize>n);
  if (slot == 0) minuteKnown0 = true;
  else minuteKnown1 = true;
  return false;
}

@inline function record(kind: i32, start: i32, end: i32): usize {
  const r = RECORDS + <usize>(records * RECORD_FIELDS * 4);
  records++;
  store<i32>(r + R_KIND * 4, kind);
  store<i32>(r + R_LINE * 4, lines);
  store<i32>(r + R_START * 4, start);
  store<i32>(r + R_END * 4, end);
  return r;
}

function query(start: i32, end: i32): void {
  count(QUERIES);
  const nameClass = classify(nameStart, nameEnd);
  const noResponse = flagsEnd - flagsStart == 1 && byte(flagsStart) == 45;
  const row = noResponse ? NO_RESPONSE : rcodeAt(rcodeStart, rcodeEnd);
  count(row * CLASSES + nameClass);
  if (!noResponse && hasFlag(flagsStart, flagsEnd, 116, 99)) count(TRUNCATED);
  const failedHard = row == NO_RESPONSE || row == SERVFAIL || row == REFUSED;
  const tracked = failedHard || (row == NXDOMAIN && nameClass != EXPANSION);
  let bits = tracked ? BIT_TRACKED : 0;
  let slot = 0;
  if (atStart >= 0) {
    slot = byte(atStart) == 91 ? 1 : 0;
    if (sameMinute(slot, atStart, atEnd)) count(PENDING + slot * 2 + (failedHard ? 1 : 0));
    else bits |= BIT_NEW_MINUTE;

    // The log's last time is the last one the host can read: a broken CLF time is not one.
    if (slot == 0 || validClf(atStart, atEnd)) {
      lastAtStart = atStart;
      lastAtEnd = atEnd;
      lastAtLine = lines;
    }
  }
  if (bits == 0) return;
  if (!noResponse && hasFlag(flagsStart, flagsEnd, 97, 97)) bits |= BIT_AUTHORITATIVE;
  const r = record(KIND_QUERY, start, end);
  store<i32>(r + R_AT_START * 4, atStart);
  store<i32>(r + R_AT_END * 4, atEnd);
  store<i32>(r + R_NAME_START * 4, nameStart);
  store<i32>(r + R_NAME_END * 4, nameEnd);
  store<i32>(r + R_ROW * 4, row);
  store<i32>(r + R_CLASS * 4, nameClass);
  store<i32>(r + R_BITS * 4, bits | (slot << 8));
  if (bits & BIT_NEW_MINUTE) {
    // The lines counted so far belong to the previous minute: handed over with this record.
    const pending = COUNTS + (<usize>(PENDING + slot * 2) << 3);
    store<i32>(r + R_PENDING_OK * 4, <i32>load<f64>(pending));
    store<i32>(r + R_PENDING_FAILED * 4, <i32>load<f64>(pending + 8));
    store<f64>(pending, 0);
    store<f64>(pending + 8, 0);
  }
}

/**
 * Reads the complete lines of [from, end) until the records are full; returns where it stopped
 * (the start of the first line not read). Counts and records are the host's to read and reset.
 */
export function scan(from: i32, end: i32): i32 {
  records = 0;
  lines = 0;
  lastAtStart = -1;
  lastAtEnd = -1;
  lastAtLine = -1;
  let p = from;
  while (records < MAX_RECORDS) {
    sawNul = false;
    const nl = lineEnd(p, end);
    if (nl < 0) break;
    const start = p;
    p = nl + 1;
    lines++;
    if (nl - start > maxLine) {
      count(OVERLONG);
      continue;
    }
    let e = nl;
    if (e > start && byte(e - 1) == 13) e--;
    if (e == start) continue;
    if (sawNul) {
      count(BINARY);
      continue;
    }
    if (queryLine(start, e)) query(start, e);
    else record(KIND_OTHER, start, e);
  }
  return p;
}
