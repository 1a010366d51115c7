/** A parsed resolv.conf, as glibc and musl read it. Produced by `parseResolvConf`. */
export interface ResolvConf {
  nameservers: string[];
  search: string[];
  /**
   * Options by name. Valued options (`ndots:5`, `timeout:2`, `attempts:3`) keep their number;
   * flags (`single-request-reopen`, `use-vc`, `rotate`, `edns0`) are `true`.
   */
  options: Record<string, number | true>;
  /** Lines the parser did not recognise, kept verbatim. */
  unknown: string[];
}

/** The resolver defaults glibc applies when an option is absent. */
export const RESOLVER_DEFAULTS = { ndots: 1, timeout: 5, attempts: 2 } as const;
