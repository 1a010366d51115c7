/**
 * The hot path: recognise a query-log line in the raw bytes without making a string of it.
 * Most lines of a busy CoreDNS log are query lines; everything else goes to `parseLine`.
 * On success the fields of `QueryScan` hold byte offsets into the buffer.
 *
 * Each line is seen two ways: `t`, the chunk decoded as latin1 (so string offsets are byte
 * offsets), whose native `indexOf` skips long fields (remote, name); and `b`, the bytes, for
 * reading single positions and short fields. Measured per line: a `String#indexOf` hop costs as
 * much as reading ~6 bytes, `Buffer#indexOf` half as much again, `charCodeAt` twice `b[i]`.
 */
export interface QueryScan {
  atStart: number;
  atEnd: number;
  nameStart: number;
  nameEnd: number;
  rcodeStart: number;
  rcodeEnd: number;
  flagsStart: number;
  flagsEnd: number;
}

export function newQueryScan(): QueryScan {
  return {
    atStart: -1,
    atEnd: -1,
    nameStart: 0,
    nameEnd: 0,
    rcodeStart: 0,
    rcodeEnd: 0,
    flagsStart: 0,
    flagsEnd: 0,
  };
}

const SPACE = 32;
const QUOTE = 34;
const LBRACKET = 91;
const RBRACKET = 93;
const DASH = 45;

/** A digit; `undefined` (a read past the buffer) is not. */
function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 48 && c <= 57;
}

/** The next space in t[from..end), or -1: the native indexOf skips a long field. */
function nextSpace(t: string, from: number, end: number): number {
  const i = t.indexOf(' ', from);
  return i >= 0 && i < end ? i : -1;
}

/** The next space in b[from..end), or -1, byte by byte: cheaper than a native call for short fields. */
function shortField(b: Uint8Array, from: number, end: number): number {
  for (let i = from; i < end; i++) if (b[i] === SPACE) return i;
  return -1;
}

/**
 * Fills `out` and returns true when the line at [start..end) is a query-log line of any era.
 * `t` is `b` decoded as latin1. Reads past `end` (into the next line, or past the buffer as
 * `undefined`) only ever fail a comparison.
 */
export function scanQueryLine(t: string, b: Uint8Array, start: number, end: number, out: QueryScan): boolean {
  let p = start;
  out.atStart = -1;
  // Up to two ISO-8601 prefixes (kubectl --timestamps, then the 1.2.6-1.6.2 era's own).
  for (let k = 0; k < 2; k++) {
    if (!(isDigit(b[p]) && b[p + 4] === DASH && b[p + 10] === 84)) break;
    const sp = nextSpace(t, p + 19, Math.min(end, p + 40));
    if (sp < 0) return false;
    if (out.atStart < 0) {
      out.atStart = p;
      out.atEnd = sp;
    }
    p = sp + 1;
  }
  if (b[p] === LBRACKET) {
    // Only `[INFO] ` precedes query lines.
    if (b[p + 1] !== 73 || b[p + 5] !== RBRACKET || b[p + 6] !== SPACE) return false;
    p += 7;
  }
  const remoteEnd = nextSpace(t, p, end);
  if (remoteEnd < 0 || b[remoteEnd + 1] !== DASH || b[remoteEnd + 2] !== SPACE) return false;
  p = remoteEnd + 3;
  if (b[p] === LBRACKET) {
    // <= 1.2.5: `[07/Sep/2018:15:29:11 +0000] ` before the id; the caller converts the time.
    const close = t.indexOf(']', p);
    if (close < 0 || close >= end) return false;
    if (out.atStart < 0) {
      out.atStart = p;
      out.atEnd = close + 1;
    }
    p = close + 2;
  }
  const idEnd = shortField(b, p, end);
  if (idEnd < 0 || b[idEnd + 1] !== QUOTE) return false;
  const typeEnd = shortField(b, idEnd + 2, end);
  const classEnd = typeEnd < 0 ? -1 : shortField(b, typeEnd + 1, end);
  const nameEnd = classEnd < 0 ? -1 : nextSpace(t, classEnd + 1, end);
  if (nameEnd < 0) return false;
  const close = t.indexOf('"', nameEnd);
  if (close < 0 || close >= end || b[close + 1] !== SPACE) return false;
  const rcodeEnd = shortField(b, close + 2, end);
  const flagsEnd = rcodeEnd < 0 ? -1 : shortField(b, rcodeEnd + 1, end);
  if (flagsEnd < 0) return false;
  out.nameStart = classEnd + 1;
  out.nameEnd = nameEnd;
  out.rcodeStart = close + 2;
  out.rcodeEnd = rcodeEnd;
  out.flagsStart = rcodeEnd + 1;
  out.flagsEnd = flagsEnd;
  return true;
}
