/**
 * One CoreDNS / node-cache log line of any era, recognised without regexes on the hot path:
 * a 1,000,000-line log must go through at several million lines a second.
 * Eras (dns-facts.md): `kubectl logs --timestamps` RFC3339Nano prefix on any line; 1.2.6-1.6.2
 * `2019-07-19T08:24:57.565Z [INFO] `; up to 1.2.5 a CLF time after the ` - `; klog `E0612 ...`.
 * `kubectl logs --prefix` puts `[pod/<pod>/<container>] ` before all of it.
 */
import type { LogEvent } from './summary-types.js';

/** `at` is always present (maybe undefined): one object shape per kind keeps V8 fast here. */
type At = { at: string | undefined };
export type ParsedLine =
  | (At & { kind: 'query'; qname: string; qtype: string; rcode: string; flags: string })
  | (At & {
      kind: 'upstream-error';
      qname: string;
      qtype: string;
      upstream: string | undefined;
      timeout: boolean;
    })
  | (At & { kind: 'event'; event: LogEvent['kind']; detail: string | undefined })
  | (At & { kind: 'version'; version: string })
  | (At & { kind: 'known' | 'unknown' });

const CH_0 = 48;
const CH_9 = 57;

function isDigit(c: number): boolean {
  return c >= CH_0 && c <= CH_9;
}

/** `2024-05-01T10:00:00.123Z ` at `pos`: the index after the space, or -1. */
function isoPrefixEnd(line: string, pos: number): number {
  if (!isDigit(line.charCodeAt(pos)) || line.charCodeAt(pos + 4) !== 45 || line.charCodeAt(pos + 10) !== 84)
    return -1;
  const sp = line.indexOf(' ', pos + 19);
  return sp < 0 || sp - pos > 40 ? -1 : sp + 1;
}

const MONTHS: Record<string, string> = {
  Jan: '01',
  Feb: '02',
  Mar: '03',
  Apr: '04',
  May: '05',
  Jun: '06',
  Jul: '07',
  Aug: '08',
  Sep: '09',
  Oct: '10',
  Nov: '11',
  Dec: '12',
};

/** `[07/Sep/2018:15:29:11 +0000]` to `2018-09-07T15:29:11+0000`. */
export function clfToIso(clf: string): string | undefined {
  const m = /^\[(\d{2})\/(\w{3})\/(\d{4}):(\d{2}:\d{2}:\d{2}) ([+-]\d{4})\]$/.exec(clf);
  const month = m ? MONTHS[m[2] ?? ''] : undefined;
  return m && month ? `${m[3]}-${month}-${m[1]}T${m[4]}${m[5] === '+0000' ? 'Z' : m[5]}` : undefined;
}

/**
 * `s.startsWith(prefix, pos)` for a non-empty prefix, cheaper: this V8's startsWith costs ~55
 * instructions a character (callgrind), a slice compared with `===` a third of that, and the
 * prefix's last character rules most lines out before either.
 */
function startsAt(s: string, prefix: string, pos: number): boolean {
  const at = Math.max(pos, 0);
  const end = at + prefix.length;
  return (
    end <= s.length &&
    s.charCodeAt(end - 1) === prefix.charCodeAt(prefix.length - 1) &&
    s.slice(at, end) === prefix
  );
}

/** `kubectl logs --prefix`: `[pod/<pod>/<container>] `; the index after it, or 0. */
function kubectlPrefixEnd(line: string): number {
  if (!line.startsWith('[pod/')) return 0;
  const close = line.indexOf('] ', 5);
  return close < 0 ? 0 : close + 2;
}

export function parseLine(line: string): ParsedLine {
  let pos = kubectlPrefixEnd(line);
  let at: string | undefined;
  // Up to two ISO prefixes: kubectl's, then the 1.2.6-1.6.2 era's own.
  for (let i = 0; i < 2; i++) {
    const end = isoPrefixEnd(line, pos);
    if (end < 0) break;
    at ??= line.slice(pos, end - 1);
    pos = end;
  }
  let level = '';
  if (line.charCodeAt(pos) === 91 /* [ */) {
    const close = line.indexOf('] ', pos);
    if (close > 0 && close - pos < 10) {
      level = line.slice(pos + 1, close);
      pos = close + 2;
    }
  }
  const quote = line.indexOf('"', pos);
  if (quote > 0 && (level === 'INFO' || level === '') && startsAt(line, ' - ', line.indexOf(' ', pos))) {
    if (!at && level === '') at = clfTime(line, pos, quote);
    const q = parseQuery(line, pos, quote, at);
    if (q) return q;
  }
  return parseOther(line, pos, level, at);
}

/** The CLF time of a <= 1.2.5 query line, between ` - ` and the id. */
function clfTime(line: string, pos: number, quote: number): string | undefined {
  const open = line.indexOf('[', pos);
  if (open < 0 || open > quote) return undefined;
  const close = line.indexOf(']', open);
  return close > 0 && close < quote ? clfToIso(line.slice(open, close + 1)) : undefined;
}

function parseQuery(
  line: string,
  pos: number,
  quote: number,
  at: string | undefined,
): ParsedLine | undefined {
  const close = line.indexOf('"', quote + 1);
  if (close < 0) return undefined;
  const sp1 = line.indexOf(' ', quote + 1);
  const sp2 = line.indexOf(' ', sp1 + 1);
  const sp3 = line.indexOf(' ', sp2 + 1);
  if (sp1 < 0 || sp3 < 0 || sp3 > close) return undefined;
  const rcodeEnd = line.indexOf(' ', close + 2);
  const flagsEnd = rcodeEnd < 0 ? -1 : line.indexOf(' ', rcodeEnd + 1);
  if (flagsEnd < 0 || pos > quote) return undefined;
  return {
    kind: 'query',
    at,
    qtype: line.slice(quote + 1, sp1),
    qname: line.slice(sp2 + 1, sp3),
    rcode: line.slice(close + 2, rcodeEnd),
    flags: line.slice(rcodeEnd + 1, flagsEnd),
  };
}

function parseOther(line: string, pos: number, level: string, at: string | undefined): ParsedLine {
  if (startsAt(line, 'plugin/errors: ', pos)) return parseErrorsPlugin(line, pos + 15, at);
  const event = eventOf(line, pos, level);
  if (event) return { kind: 'event', at, event: event.event, detail: event.detail };
  if (startsAt(line, 'CoreDNS-', pos)) return { kind: 'version', at, version: line.slice(pos + 8).trim() };
  if (level !== '' || startsAt(line, 'linux/', pos) || startsAt(line, '.:53', pos))
    return { kind: 'known', at };
  // klog lines (`I0612 03:15:09.297602 ...`) other than the API errors eventOf already took.
  if (/^[IWEF]\d{4} /.test(line.slice(pos, pos + 6))) return { kind: 'known', at };
  return { kind: 'unknown', at };
}

/** `2 api.example.net. A: read udp 10.8.0.12:51733->192.0.2.53:53: i/o timeout` */
function parseErrorsPlugin(line: string, pos: number, at: string | undefined): ParsedLine {
  const rest = line.slice(pos);
  if (rest.includes('concurrent queries exceeded')) {
    return { kind: 'event', at, event: 'max-concurrent', detail: rest.slice(0, 200) };
  }
  if (rest.includes('no healthy proxies'))
    return { kind: 'event', at, event: 'no-healthy-proxies', detail: undefined };
  const m = /^\d+ (\S+) (\S+): /.exec(rest);
  const upstream =
    /->(\[[0-9a-fA-F:.]+\]:\d+|[0-9.]+:\d+)/.exec(rest)?.[1] ?? /dial (?:udp|tcp) (\S+?):? /.exec(rest)?.[1];
  const timeout = rest.includes('timeout');
  return { kind: 'upstream-error', at, qname: m?.[1] ?? '', qtype: m?.[2] ?? '', upstream, timeout };
}

interface EventMatch {
  event: LogEvent['kind'];
  detail?: string | undefined;
}

function eventOf(line: string, pos: number, level: string): EventMatch | undefined {
  const rest = pos === 0 ? line : line.slice(pos);
  if (startsAt(rest, 'plugin/loop: Loop', 0)) return { event: 'loop', detail: /\(([^)]*)\)/.exec(rest)?.[1] };
  if (rest.includes('Error during parsing')) {
    return {
      event: 'parse-error',
      detail: /Unknown directive '([^']+)'/.exec(rest)?.[1] ?? rest.slice(0, 200),
    };
  }
  if (startsAt(rest, 'plugin/reload: Corefile changed but reload failed', 0))
    return { event: 'reload-failed' };
  if (startsAt(rest, 'plugin/reload: Running configuration', 0) || startsAt(rest, 'Reloading complete', 0)) {
    return { event: 'reload-ok' };
  }
  const failedWatch = rest.includes('Failed to watch') || rest.includes('Failed to list');
  // 1.10+ logs each failure twice: `[INFO] ... failed to list` then `[ERROR] ... Failed to watch`.
  // The INFO twin is left 'known' so one failure counts once; a bare WARNING form has no twin.
  if (failedWatch || (level !== 'INFO' && rest.includes('failed to list'))) {
    if (rest.includes('is forbidden')) {
      return { event: 'api-forbidden', detail: /(\S+) is forbidden/.exec(rest)?.[1] };
    }
    return { event: 'api-unreachable', detail: /dial tcp (\S+?):? /.exec(rest)?.[1] };
  }
  if (rest.includes('unsynced Kubernetes API')) return { event: 'unsynced-api' };
  if (
    startsAt(rest, 'plugin/ready: Still waiting on', 0) ||
    startsAt(rest, 'plugin/ready: Plugins not ready', 0)
  ) {
    return { event: 'not-ready' };
  }
  if (level === 'FATAL') return { event: 'fatal', detail: rest.slice(0, 200) };
  return undefined;
}
