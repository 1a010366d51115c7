/** A parsed Corefile. Produced by `parseCorefile` (corefile.ts); every check reads this shape. */
export interface Corefile {
  servers: ServerBlock[];
  /** Top-level `import` lines (snippets or files such as `custom/*.override`), in order. */
  imports: string[];
  /** Lines or tokens the parser could not place, with their 1-based line numbers. */
  problems: { line: number; text: string }[];
  /**
   * Names of the snippets `(name) { ... }` defined in the text. Their imports are expanded in place,
   * so an entry of `imports` that is not listed here names files the parser could not see.
   */
  snippets?: string[];
}

export interface ServerKey {
  /** Zone with a trailing dot, e.g. `.` or `cluster.local.`; `in-addr.arpa.` zones kept as written. */
  zone: string;
  /** Port when written (`.:53`), else undefined (CoreDNS then uses 53). */
  port?: number;
  /** `dns://`, `tls://`, `grpc://`, `https://` when written. */
  scheme?: string;
}

export interface Directive {
  /** Plugin or directive name, lower-case as written: `forward`, `kubernetes`, `autopath`... */
  name: string;
  args: string[];
  /** Nested `{ ... }` lines: each is a sub-directive (`prefer_udp`, `max_concurrent 1000`). */
  block: Directive[];
  line: number;
}

export interface ServerBlock {
  keys: ServerKey[];
  directives: Directive[];
  line: number;
}
