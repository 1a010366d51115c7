/**
 * Real DNS parts for the prober's tests besides unbound itself (test/real/unbound.ts): a silent
 * UDP socket, and dig run against either.
 */
import { execFile } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { UNBOUND_INSTALL_HINT } from '../../real/unbound.js';

const HOST = '127.0.0.1';

/** A UDP socket that reads queries and never answers: a silent server, or a dead forwarder. */
export async function startSilent(): Promise<{
  host: string;
  port: number;
  received: () => number;
  close(): void;
}> {
  const socket: Socket = createSocket('udp4');
  let received = 0;
  socket.on('message', () => received++);
  socket.bind(0, HOST);
  await once(socket, 'listening');
  return { host: HOST, port: socket.address().port, received: () => received, close: () => socket.close() };
}

/** What dig printed for one query: each message it received, and its error lines if none came. */
export interface DigResult {
  exitCode: number;
  /** Each message printed; without +ignore dig prints only the last, after its TCP retry. */
  messages: { status: string; flags: string[]; answerCount: number; answers: string[] }[];
  /** dig saw TC over UDP and asked again over TCP (`;; Truncated, retrying in TCP mode.`). */
  retriedOverTcp: boolean;
  /** From the last `;; SERVER:` line: how the final answer came. */
  transport?: 'UDP' | 'TCP';
  errors: string[];
}

/** `dig @host -p port name type +tries=1 +time=2 ...extra`, parsed; dig's own exit code kept. */
export function dig(
  server: { host: string; port: number },
  name: string,
  type: string,
  extra: string[] = [],
): Promise<DigResult> {
  const args = [`@${server.host}`, '-p', String(server.port), name, type, '+tries=1', '+time=2', ...extra];
  return new Promise((resolve, reject) => {
    execFile('dig', args, (err, stdout) => {
      const code = (err as NodeJS.ErrnoException | null)?.code;
      if (code === 'ENOENT') return reject(new Error(`dig is not installed: ${UNBOUND_INSTALL_HINT}`));
      resolve(parseDig(typeof code === 'number' ? code : 0, stdout));
    });
  });
}

function parseDig(exitCode: number, stdout: string): DigResult {
  const result: DigResult = { exitCode, messages: [], retriedOverTcp: false, errors: [] };
  let inAnswer = false;
  for (const line of stdout.split('\n')) {
    const header = /status: (\w+),/.exec(line);
    if (header !== null) result.messages.push({ status: header[1]!, flags: [], answerCount: 0, answers: [] });
    const current = result.messages[result.messages.length - 1];
    const flags = /^;; flags: ([^;]*);.*ANSWER: (\d+),/.exec(line);
    if (flags !== null && current !== undefined) {
      current.flags = flags[1]!.trim().split(/\s+/);
      current.answerCount = Number(flags[2]);
    }
    const server = /^;; SERVER: .*\((UDP|TCP)\)/.exec(line);
    if (server !== null) result.transport = server[1] as 'UDP' | 'TCP';
    if (line.startsWith(';; Truncated, retrying in TCP mode')) result.retriedOverTcp = true;
    if (/^;; (communications error|connection timed out|no servers)/.test(line)) result.errors.push(line);
    if (line.startsWith(';; ANSWER SECTION:')) inAnswer = true;
    else if (line.trim() === '' || line.startsWith(';')) inAnswer = false;
    else if (inAnswer && current !== undefined) {
      // `name TTL class type data...`, as the prober formats it: `A 10.0.0.1`.
      const [, , , rtype, ...data] = line.trim().split(/\s+/);
      current.answers.push(`${rtype} ${data.join(' ')}`);
    }
  }
  return result;
}
