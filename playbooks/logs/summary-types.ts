/**
 * What a CoreDNS or node-cache log says, summarised with bounded memory: the answer to the
 * guide's Step 3 and the input of every log-based check. Produced by `LogSummarizer`.
 * Times are ISO-8601 strings when the line carried one (`--timestamps` or an era prefix).
 */
export type Rcode = 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL' | 'REFUSED' | 'FORMERR' | 'NOTIMP' | 'OTHER';

/** Where a queried name belongs (see `classifyName`). */
export type NameClass = 'cluster' | 'search-expansion' | 'external';

export interface CodeCounts {
  cluster: number;
  'search-expansion': number;
  external: number;
}

/** A name that failed, with how often and when (kept for the most frequent failures only). */
export interface FailedName {
  name: string;
  rcode: Rcode | 'TIMEOUT';
  nameClass: NameClass;
  count: number;
  /** Whether CoreDNS answered itself (`aa` flag), so the code did not come from an upstream. */
  authoritative: boolean;
  firstSeen?: string;
  lastSeen?: string;
  sample: string;
}

export interface UpstreamErrors {
  /** `ip:port` of the upstream, from the errors plugin line. */
  upstream: string;
  timeouts: number;
  other: number;
  firstSeen?: string;
  lastSeen?: string;
  sample: string;
}

/** A lifecycle or error event the checks reason about, with the line that proves it. */
export interface LogEvent {
  kind:
    | 'loop'
    | 'parse-error'
    | 'reload-failed'
    | 'reload-ok'
    | 'api-unreachable'
    | 'api-forbidden'
    | 'max-concurrent'
    | 'no-healthy-proxies'
    | 'unsynced-api'
    | 'not-ready'
    | 'fatal';
  at?: string;
  /** Line number in the input (1-based), so a user can find it. */
  lineNo: number;
  line: string;
  /** Parsed detail: the unknown directive, the forbidden resource, the API address... */
  detail?: string;
  /** Which pod/container the line came from, when the gatherer knows. */
  source?: string;
}

/** Queries per minute, to answer "did DNS answer fine while the API was unreachable". */
export interface MinuteBucket {
  minute: string;
  ok: number;
  failed: number;
}

export interface LogSummary {
  lines: number;
  /** Lines recognised as a query-log line. */
  queries: number;
  /** Lines in any format this tool knows (queries, errors, lifecycle lines, banners). */
  recognised: number;
  /** Lines longer than the line limit, counted and skipped. */
  overlong: number;
  /** Lines that matched no known format (klog info lines, banners of other tools...). */
  unknown: number;
  /** Lines that were not text (NUL bytes, invalid UTF-8 control noise). */
  binary: number;
  firstTime?: string;
  lastTime?: string;
  /** `CoreDNS-1.11.3` banner, when present. */
  version?: string;
  /** The cluster domain the names were classified against. */
  clusterDomain: string;
  byRcode: Partial<Record<Rcode, CodeCounts>>;
  /** Queries with no response written (`-` flags): upstream timeouts when they last ~5 s. */
  noResponse: CodeCounts;
  truncated: number;
  /** Whether any line shows the `log` plugin at work (a query line). */
  queryLogSeen: boolean;
  failedNames: FailedName[];
  /** Approximate count of distinct failing names (exact up to the tracking limit). */
  distinctFailedNames: number;
  upstreamErrors: UpstreamErrors[];
  events: LogEvent[];
  /** Events dropped after the per-kind cap (the first and the last of each kind are always kept). */
  eventsDropped: number;
  /** How many events of each kind the log held, kept or not. */
  eventCounts?: Partial<Record<LogEvent['kind'], number>>;
  minutes: MinuteBucket[];
}
