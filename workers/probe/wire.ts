import { randomInt } from 'node:crypto';
import {
  type Answer,
  type DecodedPacket,
  decode,
  encode,
  RECURSION_DESIRED,
  type RecordType,
} from 'dns-packet';

/** The EDNS0 buffer size of the DNS flag day 2020: large enough for most answers, below fragmentation. */
export const EDNS_UDP_PAYLOAD = 1232;

export interface Question {
  name: string;
  type: RecordType;
}

/** What dns-packet's decode returns but @types/dns-packet leaves out. */
type Decoded = DecodedPacket & { rcode?: string };

export interface Summary {
  rcode: string;
  answers: string[];
  tc: boolean;
  aa: boolean;
}

/** A fresh random id per query (crypto, not Math.random): off-path spoofing must guess it. */
export function randomId(): number {
  return randomInt(0, 0x10000);
}

export function encodeQuery(id: number, q: Question, edns: boolean): Buffer {
  return encode({
    type: 'query',
    id,
    flags: RECURSION_DESIRED,
    questions: [{ name: q.name, type: q.type, class: 'IN' }],
    additionals: edns
      ? [
          {
            type: 'OPT',
            name: '.',
            udpPayloadSize: EDNS_UDP_PAYLOAD,
            extendedRcode: 0,
            ednsVersion: 0,
            flags: 0,
            flag_do: false,
            options: [],
          },
        ]
      : [],
  });
}

/**
 * The answer to this query, or undefined for anything else on the socket: a stray or late packet,
 * another query's answer, a forged one with the wrong id or question. Names compare without case
 * or trailing dot, as servers may echo either.
 */
export function matchAnswer(bytes: Buffer, id: number, q: Question): Summary | undefined {
  let packet: Decoded;
  try {
    packet = decode(bytes) as Decoded;
  } catch {
    return undefined;
  }
  if (packet.type !== 'response' || packet.id !== id) return undefined;
  const question = packet.questions?.[0];
  // Servers refusing by ACL (unbound's access-control) answer a bare header with no question:
  // with our id and an error code, that is their answer (dig reads it so too), not noise.
  const bareError =
    question === undefined && (packet.questions?.length ?? 0) === 0 && BARE_ERRORS.has(packet.rcode ?? '');
  if (
    !bareError &&
    (question === undefined || question.type !== q.type || norm(question.name) !== norm(q.name))
  ) {
    return undefined;
  }
  return {
    rcode: packet.rcode ?? 'NOERROR',
    answers: (packet.answers ?? []).map(formatRecord),
    tc: packet.flag_tc,
    aa: packet.flag_aa,
  };
}

const BARE_ERRORS = new Set(['REFUSED', 'FORMERR', 'NOTIMP', 'SERVFAIL']);

/** matchAnswer's bare-header error codes as numbers: FORMERR, SERVFAIL, NOTIMP, REFUSED. */
const BARE_ERROR_CODES = new Set([1, 2, 4, 5]);

/** dns-packet's rcode names by number (its rcodes module is not exported). */
const RCODE_NAMES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];
RCODE_NAMES.push('YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE');

export function rcodeName(rcode: number): string {
  return RCODE_NAMES[rcode] ?? `RCODE_${rcode}`;
}

/** The question (name, type, class) of a query encodeQuery made: what a reply must echo. */
export function questionBytes(query: Buffer): Buffer {
  let at = 12;
  while (query[at] !== 0) at += 1 + query[at]!;
  return query.subarray(12, at + 5);
}

/**
 * matchAnswer's verdict from the header and question bytes alone, for the batch path where a
 * full decode per reply costs more than the rest: the rcode number, or -1 for anything that is
 * not the answer to `id` and `question` (questionBytes of the query). The name compares without
 * ASCII case; records are not decoded, so a reply mangled past its question still counts.
 */
export function matchHeader(bytes: Buffer, id: number, question: Buffer): number {
  if (bytes.length < 12 || (bytes[2]! & 0x80) === 0 || bytes.readUInt16BE(0) !== id) return -1;
  const rcode = bytes[3]! & 0x0f;
  if (bytes.readUInt16BE(4) === 0) return BARE_ERROR_CODES.has(rcode) ? rcode : -1;
  if (bytes.length < 12 + question.length) return -1;
  const nameEnd = question.length - 4;
  for (let i = 0; i < question.length; i++) {
    const a = bytes[12 + i]!;
    const b = question[i]!;
    // Label lengths are below 64, so only name bytes can be letters that differ in case.
    if (a !== b && !(i < nameEnd && (a | 0x20) === (b | 0x20) && (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7a)) {
      return -1;
    }
  }
  return rcode;
}

function norm(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** `A 10.0.0.1`, `CNAME web.shop.svc.cluster.local`, `SRV 0 100 53 ns.example`: as dig's short form. */
export function formatRecord(record: Answer): string {
  const data = (record as { data?: unknown }).data;
  switch (record.type) {
    case 'SRV': {
      const srv = data as { priority: number; weight: number; port: number; target: string };
      return `SRV ${srv.priority} ${srv.weight} ${srv.port} ${srv.target}`;
    }
    case 'TXT': {
      const parts = (Array.isArray(data) ? data : [data]) as (Buffer | string)[];
      return `TXT ${parts.map((p) => JSON.stringify(p.toString())).join(' ')}`;
    }
    case 'MX': {
      const mx = data as { preference: number; exchange: string };
      return `MX ${mx.preference} ${mx.exchange}`;
    }
    default:
      return typeof data === 'string' ? `${record.type} ${data}` : `${record.type} ${JSON.stringify(data)}`;
  }
}
