/**
 * The opt-in node probe's reading (a privileged, hostNetwork probe pod): the node's conntrack
 * table size and limit, and the kernel log lines that explain DNS loss (conntrack table full,
 * insert failures, neighbour table overflow), which no Kubernetes API and no node-exporter serve.
 */
import { closeSync, constants as fsc, openSync, readFileSync, readSync } from 'node:fs';

export interface NodeReading {
  conntrackEntries?: number;
  conntrackMax?: number;
  /** Matching kernel log lines, the most recent last. */
  kernelLog: string[];
  /** What could not be read, and why. */
  problems: string[];
}

const CONNTRACK_COUNT = '/proc/sys/net/netfilter/nf_conntrack_count';
const CONNTRACK_MAX = '/proc/sys/net/netfilter/nf_conntrack_max';
const KMSG = '/dev/kmsg';
/** Kernel messages that explain dropped DNS packets on a node. */
export const DNS_KERNEL_LINES =
  /nf_conntrack|conntrack.*(table full|insert|drop)|neighbour table overflow|neighbor table overflow/i;
const MAX_LINES = 50;
const MAX_RECORDS = 100_000;

export function readNodeFacts(): NodeReading {
  const reading: NodeReading = { kernelLog: [], problems: [] };
  const count = readNumber(CONNTRACK_COUNT, reading.problems);
  const max = readNumber(CONNTRACK_MAX, reading.problems);
  if (count !== undefined) reading.conntrackEntries = count;
  if (max !== undefined) reading.conntrackMax = max;
  reading.kernelLog = readKernelLog(reading.problems);
  return reading;
}

function readNumber(path: string, problems: string[]): number | undefined {
  try {
    const value = Number(readFileSync(path, 'utf8').trim());
    return Number.isFinite(value) ? value : undefined;
  } catch (err) {
    problems.push(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    return undefined;
  }
}

/** /dev/kmsg gives one record per read; non-blocking, the end of the buffer is EAGAIN. */
function readKernelLog(problems: string[]): string[] {
  let fd: number;
  try {
    fd = openSync(KMSG, fsc.O_RDONLY | fsc.O_NONBLOCK);
  } catch (err) {
    problems.push(`cannot read ${KMSG}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    return [];
  }
  const lines: string[] = [];
  const buffer = Buffer.alloc(8192);
  try {
    for (let i = 0; i < MAX_RECORDS; i++) {
      let n: number;
      try {
        n = readSync(fd, buffer, 0, buffer.length, null);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') continue; // records overwritten while reading: go on with the next
        if (code !== 'EAGAIN') problems.push(`reading ${KMSG}: ${code ?? (err as Error).message}`);
        break;
      }
      if (n === 0) break;
      const message = kmsgMessage(buffer.toString('utf8', 0, n));
      if (DNS_KERNEL_LINES.test(message)) {
        lines.push(message);
        if (lines.length > MAX_LINES) lines.shift();
      }
    }
  } finally {
    closeSync(fd);
  }
  return lines;
}

/** `6,1234,5678901,-;nf_conntrack: table full, dropping packet` → the message after the `;`. */
export function kmsgMessage(record: string): string {
  const semi = record.indexOf(';');
  return (semi >= 0 ? record.slice(semi + 1) : record).split('\n', 1)[0]?.trim().slice(0, 500) ?? '';
}
