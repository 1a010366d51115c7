import { isIPv4, isIPv6 } from 'node:net';
import type { Answer, SrvData } from 'dns-packet';
import type { DnsServerBehaviour } from '../scenario/types.js';

/** Record types a scenario may serve; anything else is a mistake in the scenario, refused at start. */
export const SERVED_TYPES = ['A', 'AAAA', 'SRV', 'TXT', 'CNAME', 'PTR'] as const;
type ServedType = (typeof SERVED_TYPES)[number];

export type ErrorCode = 'NXDOMAIN' | 'SERVFAIL' | 'REFUSED';

/** Short, like the CoreDNS kubernetes plugin's default, so nothing downstream relies on caching. */
const TTL = 5;

/** DNS names compare case-insensitively and scenarios may or may not write the root dot. */
export function normalizeName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') && lower !== '.' ? lower.slice(0, -1) : lower;
}

/** One record's data in dns-packet form; the owner name is filled in at answer time. */
type RecordData = { type: ServedType; data: string | SrvData | Buffer[] };

/** A scenario's DnsServerBehaviour, validated and indexed for lookups. */
export interface Zone {
  /** Records of `name`, by type; undefined when the server does not serve the name at all. */
  records(name: string): Map<string, RecordData[]> | undefined;
  /** The error code `rcodes` assigns to `name` (exact name first, then the longest `*.suffix`). */
  rcodeFor(name: string): ErrorCode | undefined;
}

export function compileZone(behaviour: DnsServerBehaviour): Zone {
  const byName = new Map<string, Map<string, RecordData[]>>();
  for (const [rawName, types] of Object.entries(behaviour.records ?? {})) {
    const name = normalizeName(rawName);
    const byType = byName.get(name) ?? new Map<string, RecordData[]>();
    for (const [rawType, values] of Object.entries(types)) {
      const type = rawType.toUpperCase();
      if (!isServedType(type)) {
        throw new Error(
          `DNS record ${rawName} ${rawType}: unsupported type (use ${SERVED_TYPES.join(', ')})`,
        );
      }
      const list = byType.get(type) ?? [];
      for (const value of values) list.push({ type, data: parseValue(type, value, rawName) });
      byType.set(type, list);
    }
    byName.set(name, byType);
  }

  const exact = new Map<string, ErrorCode>();
  const suffixes: { suffix: string; code: ErrorCode }[] = [];
  for (const [pattern, code] of Object.entries(behaviour.rcodes ?? {})) {
    if (pattern.startsWith('*.')) suffixes.push({ suffix: `.${normalizeName(pattern.slice(2))}`, code });
    else exact.set(normalizeName(pattern), code);
  }
  // Longest suffix first: `*.corp.example` is more specific than `*.example`.
  suffixes.sort((a, b) => b.suffix.length - a.suffix.length);

  return {
    records: (name) => byName.get(normalizeName(name)),
    rcodeFor(name) {
      const n = normalizeName(name);
      return exact.get(n) ?? suffixes.find((s) => n.endsWith(s.suffix))?.code;
    },
  };
}

function isServedType(type: string): type is ServedType {
  return (SERVED_TYPES as readonly string[]).includes(type);
}

/** Parses one scenario value; a bad value throws naming the record, so the scenario author sees it at start. */
function parseValue(type: ServedType, value: string, name: string): RecordData['data'] {
  const bad = (why: string) => new Error(`DNS record ${name} ${type} "${value}": ${why}`);
  switch (type) {
    case 'A':
      if (!isIPv4(value)) throw bad('not an IPv4 address');
      return value;
    case 'AAAA':
      if (!isIPv6(value)) throw bad('not an IPv6 address');
      return value;
    case 'SRV': {
      const parts = value.trim().split(/\s+/);
      const [priority, weight, port] = parts.slice(0, 3).map(Number);
      const target = parts[3];
      const valid = (n: number | undefined) => n !== undefined && Number.isInteger(n) && n >= 0 && n <= 65535;
      if (parts.length !== 4 || !valid(priority) || !valid(weight) || !valid(port) || target === undefined) {
        throw bad('expected "priority weight port target"');
      }
      return { priority, weight, port: port!, target: normalizeName(target) };
    }
    case 'TXT': {
      // One character-string holds at most 255 bytes: split longer text as zone files do.
      const bytes = Buffer.from(value, 'utf8');
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += 255) chunks.push(bytes.subarray(i, i + 255));
      return chunks.length > 0 ? chunks : [Buffer.alloc(0)];
    }
    case 'CNAME':
    case 'PTR':
      if (value.trim() === '') throw bad('empty target name');
      return normalizeName(value.trim());
  }
}

/** Builds dns-packet answers for one record set under the owner name the client asked for. */
export function toAnswers(owner: string, records: RecordData[]): Answer[] {
  return records.map((r) => ({ name: owner, type: r.type, class: 'IN', ttl: TTL, data: r.data }) as Answer);
}
