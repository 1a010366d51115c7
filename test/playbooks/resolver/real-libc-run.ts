/**
 * Runs a real getaddrinfo (glibc via gcc, musl via musl-gcc) inside its own mount and network
 * namespace: a bind-mounted resolv.conf points it at loopback port 53 there, where a small relay
 * logs each query in arrival order and passes it to a simulated DNS server (startDnsServer).
 * The relay exists because resolv.conf cannot name a port and the simulator binds free ports.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { DnsServerBehaviour } from '../../sim/scenario/types.js';

const run = promisify(execFile);
const SERVER_MODULE = fileURLToPath(new URL('../../../dist/test/sim/dns/server.js', import.meta.url));

const PROGRAM = `#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
int main(int argc, char **argv) {
  struct addrinfo hints, *res = 0;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  printf("%d\\n", getaddrinfo(argv[1], 0, &hints, &res));
  return 0;
}
`;

// Plain JS run by node inside the namespace; reads the question straight from the wire bytes.
const RUNNER = `
import dgram from 'node:dgram';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
const [serverModule, specPath] = process.argv.slice(2);
const { startDnsServer } = await import(serverModule);
const spec = JSON.parse(readFileSync(specPath, 'utf8'));
const log = [];
function question(msg) {
  const labels = [];
  let i = 12;
  while (i < msg.length && msg[i] !== 0) { labels.push(msg.subarray(i + 1, i + 1 + msg[i]).toString()); i += msg[i] + 1; }
  const type = msg.readUInt16BE(i + 1);
  return { name: labels.join('.'), qtype: type === 1 ? 'A' : type === 28 ? 'AAAA' : String(type) };
}
const closers = [];
for (const s of spec.servers) {
  const sim = await startDnsServer(s.behaviour);
  const relay = dgram.createSocket('udp4');
  const upstreams = new Map();
  relay.on('message', (msg, from) => {
    log.push({ server: s.ip, ...question(msg) });
    const key = from.address + ':' + from.port;
    let up = upstreams.get(key);
    if (up === undefined) {
      up = dgram.createSocket('udp4');
      up.on('message', (reply) => relay.send(reply, from.port, from.address));
      upstreams.set(key, up);
    }
    up.send(msg, sim.udpPort, '127.0.0.1');
  });
  await new Promise((resolve) => relay.bind(53, s.ip, resolve));
  closers.push(() => sim.close());
}
const started = performance.now();
const child = spawn(spec.program, [spec.name], { stdio: ['ignore', 'pipe', 'inherit'] });
let out = '';
child.stdout.on('data', (d) => { out += d; });
await new Promise((resolve) => child.on('close', resolve));
const elapsedMs = performance.now() - started;
for (const close of closers) await close();
process.stdout.write(JSON.stringify({ gai: Number(out.trim()), elapsedMs, queries: log }));
process.exit(0);
`;

export interface LibcBinaries {
  glibc: string;
  musl: string;
  dir: string;
}

export async function buildPrograms(): Promise<LibcBinaries> {
  const dir = mkdtempSync(join(tmpdir(), 'dnsmedic-libc-'));
  writeFileSync(join(dir, 'gai.c'), PROGRAM);
  writeFileSync(join(dir, 'runner.mjs'), RUNNER);
  const glibc = join(dir, 'gai-glibc');
  const musl = join(dir, 'gai-musl');
  await run('gcc', ['-o', glibc, join(dir, 'gai.c')]);
  await run('musl-gcc', ['-static', '-o', musl, join(dir, 'gai.c')]);
  return { glibc, musl, dir };
}

export interface ObservedQuery {
  server: string;
  name: string;
  qtype: string;
}

export interface Observed {
  /** getaddrinfo's return code: 0, or EAI_NONAME (-2), EAI_AGAIN (-3)... */
  gai: number;
  /** How long the getaddrinfo program ran. */
  elapsedMs: number;
  queries: ObservedQuery[];
}

let runs = 0;

/** One getaddrinfo call: its return code, how long it took, and the queries the servers saw, in order. */
export async function observe(
  bin: LibcBinaries,
  program: string,
  resolvConf: string,
  name: string,
  servers: { ip: string; behaviour: DnsServerBehaviour }[],
): Promise<Observed> {
  runs++;
  const rcPath = join(bin.dir, `resolv-${runs}.conf`);
  const specPath = join(bin.dir, `spec-${runs}.json`);
  writeFileSync(rcPath, resolvConf);
  writeFileSync(specPath, JSON.stringify({ program, name, servers }));
  const script = 'ip link set lo up && mount --bind "$1" /etc/resolv.conf && exec "$2" "$3" "$4" "$5"';
  const { stdout } = await run('unshare', [
    '--mount',
    '--net',
    '--',
    'sh',
    '-c',
    script,
    'sh',
    rcPath,
    process.execPath,
    join(bin.dir, 'runner.mjs'),
    SERVER_MODULE,
    specPath,
  ]);
  return JSON.parse(stdout) as Observed;
}
