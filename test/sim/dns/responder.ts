import {
  type Answer,
  AUTHORITATIVE_ANSWER,
  type DecodedPacket,
  type OptAnswer,
  type Packet,
  RECURSION_DESIRED,
  TRUNCATED_RESPONSE,
} from 'dns-packet';
import { toAnswers, type Zone } from './records.js';
import { encodeResponse } from './wire.js';

/** What dns-packet's decode returns but @types/dns-packet leaves out. */
export type DecodedQuery = DecodedPacket & { opcode?: string };

/** Response codes by name; dns-packet reads the code from the low 4 bits of `flags`. */
const RCODES = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
type Rcode = keyof typeof RCODES;

/** Without EDNS a UDP answer may not exceed 512 bytes (RFC 1035). */
const CLASSIC_UDP_LIMIT = 512;
/** The buffer size the server advertises in its own OPT record (the common 1232 choice). */
const SERVER_UDP_PAYLOAD = 1232;
/** CNAME chains longer than this are a loop in the scenario; real servers stop too. */
const MAX_CNAME_CHAIN = 8;

export type Reply = { kind: 'answer'; packet: Packet; rcode: Rcode } | { kind: 'silent' };

/** Decides the answer to one well-formed query, as the behaviour's zone says. Pure: no I/O, no timing. */
export function answerQuery(query: DecodedQuery, zone: Zone, otherwise: string | undefined): Reply {
  const question = query.questions?.[0];
  if (query.opcode !== undefined && query.opcode !== 'QUERY') {
    return { kind: 'answer', ...reply(query, 'NOTIMP') };
  }
  if (question === undefined || query.questions?.length !== 1) {
    return { kind: 'answer', ...reply(query, 'FORMERR') };
  }
  // A cluster DNS server serves class IN only; CHAOS probes (`version.bind`) are refused.
  if ((question.class ?? 'IN') !== 'IN') return { kind: 'answer', ...reply(query, 'REFUSED') };

  const code = zone.rcodeFor(question.name);
  if (code !== undefined) return { kind: 'answer', ...reply(query, code) };

  const records = zone.records(question.name);
  if (records === undefined) {
    if (otherwise === 'SILENT') return { kind: 'silent' };
    return { kind: 'answer', ...reply(query, (otherwise as Rcode | undefined) ?? 'NXDOMAIN') };
  }

  // The name is served: walk CNAMEs within the zone as an authoritative server does, then the type asked.
  const answers: Answer[] = [];
  let owner = question.name;
  let current = records;
  for (let hop = 0; hop < MAX_CNAME_CHAIN; hop++) {
    const direct = current.get(question.type);
    if (direct !== undefined) {
      answers.push(...toAnswers(owner, direct));
      break;
    }
    const cname = question.type === 'CNAME' ? undefined : current.get('CNAME')?.[0];
    if (cname === undefined) break; // NODATA: the name exists without this type.
    answers.push(...toAnswers(owner, [cname]));
    owner = cname.data as string;
    const next = zone.records(owner);
    if (next === undefined) break;
    current = next;
  }
  return { kind: 'answer', ...reply(query, 'NOERROR', answers, AUTHORITATIVE_ANSWER) };
}

function reply(query: DecodedQuery, rcode: Rcode, answers: Answer[] = [], extraFlags = 0) {
  // RD is echoed, RA stays off: the server does not recurse.
  const rd = query.flag_rd ? RECURSION_DESIRED : 0;
  const packet: Packet = {
    id: query.id ?? 0,
    type: 'response',
    flags: extraFlags | rd | RCODES[rcode],
    questions: query.questions ?? [],
    answers,
    authorities: [],
    additionals: clientOpt(query) === undefined ? [] : [serverOpt()],
  };
  return { packet, rcode };
}

function clientOpt(query: DecodedQuery): OptAnswer | undefined {
  return query.additionals?.find((a): a is OptAnswer => a.type === 'OPT');
}

function serverOpt(): OptAnswer {
  return {
    type: 'OPT',
    name: '.',
    udpPayloadSize: SERVER_UDP_PAYLOAD,
    extendedRcode: 0,
    ednsVersion: 0,
    flags: 0,
    flag_do: false,
    options: [],
  };
}

/**
 * The largest UDP answer this client accepts: 512 without EDNS, its OPT size (never below 512)
 * with it, lowered by the behaviour's `truncateAbove` (a server or middlebox that truncates early).
 */
export function udpLimit(query: DecodedQuery, truncateAbove: number | undefined): number {
  const opt = clientOpt(query);
  const client = opt === undefined ? CLASSIC_UDP_LIMIT : Math.max(CLASSIC_UDP_LIMIT, opt.udpPayloadSize);
  return Math.min(client, truncateAbove ?? Number.POSITIVE_INFINITY);
}

/** Encodes for UDP: over the limit, TC is set and the records dropped so the client retries over TCP. */
export function encodeForUdp(packet: Packet, limit: number): { bytes: Buffer; truncated: boolean } {
  const full = encodeResponse(packet);
  if (full.length <= limit) return { bytes: full, truncated: false };
  const truncated: Packet = {
    ...packet,
    flags: (packet.flags ?? 0) | TRUNCATED_RESPONSE,
    answers: [],
    authorities: [],
    additionals: (packet.additionals ?? []).filter((a) => a.type === 'OPT'),
  };
  return { bytes: encodeResponse(truncated), truncated: true };
}
