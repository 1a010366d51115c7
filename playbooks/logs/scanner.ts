/**
 * The WebAssembly line scanner (assembly/scanner.ts) behind a small API: one instance per
 * summariser, with memory of its own holding the lines to read, the counters and the records of
 * the lines JavaScript must see. The module is compiled once per process, on first use.
 */
import { EXTERNAL_TLDS, NAME_CLASSES, NAMESPACE_TLDS, SEARCH_SUFFIXES } from './names.js';
import { SCANNER_WASM } from './scanner-wasm.js';
import type { NameClass } from './summary-types.js';

/** Record fields (assembly/scanner.ts's R_*). */
export const R = {
  kind: 0,
  line: 1,
  start: 2,
  end: 3,
  atStart: 4,
  atEnd: 5,
  nameStart: 6,
  nameEnd: 7,
  row: 8,
  nameClass: 9,
  bits: 10,
  pendingOk: 11,
  pendingFailed: 12,
} as const;
export const KIND_OTHER = 1;
export const BIT_TRACKED = 1;
export const BIT_NEW_MINUTE = 2;
export const BIT_AUTHORITATIVE = 4;
/** Counter slots (assembly/scanner.ts): rows x classes first. */
export const C = { queries: 24, truncated: 25, overlong: 26, binary: 27, pending: 28 } as const;
/** Word lengths the word-set tables cover, and a table's bytes (assembly/scanner.ts's). */
export const SET_TABLE = 32;
export const SET_SIZE = 2048;
export const SUFFIXES_SIZE = 256;
export const COUNT_SLOTS = 64;
/** Bytes past the last line the scanner may read before a check that fails. */
export const PADDING = 64;
const PAGE = 64 << 10;

interface Exports {
  scan(from: number, end: number): number;
  classify(start: number, end: number): number;
  configure(domainBytes: number, maxLine: number): void;
  countsPtr(): number;
  recordsPtr(): number;
  domainPtr(): number;
  setPtr(set: number): number;
  suffixesPtr(): number;
  bufferStart(): number;
  recordCount(): number;
  lineCount(): number;
  lastTimeStart(): number;
  lastTimeEnd(): number;
  lastTimeLine(): number;
  RECORD_FIELDS: WebAssembly.Global;
  MAX_RECORDS: WebAssembly.Global;
}

let compiled: WebAssembly.Module | undefined;

/** A word set as the scanner's table: per length, an offset into the words and their count. */
function writeSet(mem: Buffer, at: number, words: readonly string[]): void {
  const blob: Buffer[] = [];
  let offset = 0;
  for (let len = 1; len < SET_TABLE; len++) {
    const same = words.filter((w) => w.length === len).map((w) => Buffer.from(w.toLowerCase(), 'latin1'));
    mem.writeUInt32LE(offset | (same.length << 16), at + len * 4);
    blob.push(...same);
    offset += same.length * len;
  }
  const bytes = Buffer.concat(blob);
  if (SET_TABLE * 4 + bytes.length > SET_SIZE) throw new Error('word set too large for the scanner');
  bytes.copy(mem, at + SET_TABLE * 4);
}

export class LineScanner {
  private readonly x: Exports;
  /** All of the instance's memory, as bytes (latin1 strings are sliced from it). */
  readonly bytes: Buffer;
  readonly records: Int32Array;
  readonly counts: Float64Array;
  readonly fields: number;
  readonly maxRecords: number;
  /** Where lines go, and how many bytes fit there. */
  readonly start: number;
  readonly capacity: number;

  constructor(clusterDomain: string, maxLine: number, chunk: number) {
    compiled ??= new WebAssembly.Module(Buffer.from(SCANNER_WASM, 'base64'));
    const memory = new WebAssembly.Memory({ initial: 1 });
    const instance = new WebAssembly.Instance(compiled, { env: { memory } });
    this.x = instance.exports as unknown as Exports;
    this.start = this.x.bufferStart();
    this.capacity = maxLine + chunk + 1;
    const needed = this.start + this.capacity + PADDING;
    memory.grow(Math.ceil(needed / PAGE) - 1);
    this.bytes = Buffer.from(memory.buffer);
    this.fields = this.x.RECORD_FIELDS.value as number;
    this.maxRecords = this.x.MAX_RECORDS.value as number;
    this.records = new Int32Array(memory.buffer, this.x.recordsPtr(), this.fields * this.maxRecords);
    this.counts = new Float64Array(memory.buffer, this.x.countsPtr(), COUNT_SLOTS);
    const domain = Buffer.from(`.${clusterDomain}.`, 'utf8');
    if (domain.length > 255) throw new Error('cluster domain too long');
    domain.copy(this.bytes, this.x.domainPtr());
    writeSet(this.bytes, this.x.setPtr(0), EXTERNAL_TLDS);
    writeSet(this.bytes, this.x.setPtr(1), NAMESPACE_TLDS);
    let at = this.x.suffixesPtr();
    if (SEARCH_SUFFIXES.reduce((n, x) => n + 1 + x.length, 1) > SUFFIXES_SIZE)
      throw new Error('search suffixes too long for the scanner');
    this.bytes[at++] = SEARCH_SUFFIXES.length;
    for (const s of SEARCH_SUFFIXES) {
      this.bytes[at++] = s.length;
      at += this.bytes.write(s, at, 'latin1');
    }
    this.x.configure(domain.length, maxLine);
  }

  /** Reads the complete lines of bytes[from..end) until the records are full; where it stopped. */
  scan(from: number, end: number): number {
    return this.x.scan(from, end);
  }

  /** The name class (index into NAME_CLASSES) of bytes[start..end). */
  classify(start: number, end: number): number {
    return this.x.classify(start, end);
  }

  recordCount(): number {
    return this.x.recordCount();
  }
  lineCount(): number {
    return this.x.lineCount();
  }
  /** The last timestamped query line of the last scan: its time's bytes and line, or line -1. */
  lastTime(): { start: number; end: number; line: number } {
    return { start: this.x.lastTimeStart(), end: this.x.lastTimeEnd(), line: this.x.lastTimeLine() };
  }
}

/** The scanner `classifyName` asks, for the last domain asked about (one, not one per domain). */
let classifier: { domain: string; scanner: LineScanner } | undefined;

/** The class of one name (FQDN with its trailing dot), by the scanner's own rules. */
export function classifyName(fqdn: string, clusterDomain: string): NameClass {
  const domain = clusterDomain.toLowerCase().replace(/^\.|\.$/g, '');
  if (classifier?.domain !== domain) classifier = { domain, scanner: new LineScanner(domain, 1024, 0) };
  const { scanner } = classifier;
  const name = Buffer.from(fqdn, 'utf8').subarray(0, 1024);
  name.copy(scanner.bytes, scanner.start);
  return NAME_CLASSES[scanner.classify(scanner.start, scanner.start + name.length)] ?? 'external';
}
