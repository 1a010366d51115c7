import { type Answer, encode, type Packet } from 'dns-packet';

/** A compression pointer to offset 12, where the question's name starts (RFC 1035 4.1.4). */
const POINTER_TO_QNAME = Buffer.from([0xc0, 0x0c]);

/**
 * Encodes like dns-packet's `encode`, but answers owned by the question's name point back at it
 * as every real server does. dns-packet writes each name in full, which makes a 40-record answer
 * about twice a real server's size: truncation would then happen at the wrong record count, and
 * truncation is what scenarios test. Record data (SRV and CNAME targets) stays uncompressed.
 */
export function encodeResponse(packet: Packet): Buffer {
  const qname = packet.questions?.[0]?.name;
  const answers = packet.answers ?? [];
  const authorities = packet.authorities ?? [];
  const additionals = packet.additionals ?? [];
  const parts: Buffer[] = [encode({ ...packet, answers: [], authorities: [], additionals: [] })];
  for (const record of answers) parts.push(encodeRecord(record, record.name === qname));
  for (const record of [...authorities, ...additionals]) parts.push(encodeRecord(record, false));
  const out = Buffer.concat(parts);
  out.writeUInt16BE(answers.length, 6);
  out.writeUInt16BE(authorities.length, 8);
  out.writeUInt16BE(additionals.length, 10);
  return out;
}

/** The same, with the 2-byte length prefix DNS over TCP uses (what dns-packet's streamEncode adds). */
export function encodeStreamResponse(packet: Packet): Buffer {
  const body = encodeResponse(packet);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(body.length);
  return Buffer.concat([length, body]);
}

/** One resource record's bytes; with `compress`, its owner is the pointer instead of the full name. */
function encodeRecord(record: Answer, compress: boolean): Buffer {
  // Encoded alone after an empty 12-byte header; the root name '.' is the single byte 0.
  if (!compress) return encode({ questions: [], answers: [record] }).subarray(12);
  const rootOwned = encode({ questions: [], answers: [{ ...record, name: '.' }] }).subarray(12 + 1);
  return Buffer.concat([POINTER_TO_QNAME, rootOwned]);
}
