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
