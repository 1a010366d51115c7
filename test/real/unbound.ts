/**
 * Debian's unbound on a free loopback port with its own config in a temp dir, for the prober's
 * tests and the throughput bench (so this lives in a built directory). Nothing here needs root:
 * unbound runs in the foreground, logs to stderr, never chroots nor changes user.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const HOST = '127.0.0.1';
// Debian puts it in /usr/sbin, which a non-root PATH often lacks.
export const UNBOUND = existsSync('/usr/sbin/unbound') ? '/usr/sbin/unbound' : 'unbound';
export const UNBOUND_INSTALL_HINT = 'install it with `apt-get install -y unbound dnsutils` (.ci/run does)';

export interface RunningUnbound {
  host: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * A port free for both UDP and TCP right now, found by binding port 0 (unbound needs both).
 * Another process may still take it before unbound binds: startUnbound retries on that.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const udp = createSocket('udp4');
    udp.bind(0, HOST);
    await once(udp, 'listening');
    const port = udp.address().port;
    const tcp = createServer();
    const ok = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(port, HOST, () => resolve(true));
    });
    udp.close();
    if (ok) {
      await new Promise((resolve) => tcp.close(resolve));
      return port;
    }
  }
  throw new Error('no port free for both UDP and TCP on 127.0.0.1 after 10 tries');
}

/**
 * Starts `unbound -d` with `serverLines` (indented `server:` clauses) and `rest` (other clauses,
 * e.g. a forward-zone) and waits for "start of service". Each try takes a fresh port, because
 * the one freePort found can be taken in between.
 */
export async function startUnbound(serverLines: string[], rest: string[] = []): Promise<RunningUnbound> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'dnsmedic-unbound-'));
    const config = join(dir, 'unbound.conf');
    writeFileSync(config, renderConfig(dir, port, serverLines, rest));
    try {
      const child = await launch(config);
      return { host: HOST, port, stop: () => stop(child, dir) };
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      lastError = err;
      if (!String(err).includes('could not open ports')) break;
    }
  }
  throw lastError;
}

function renderConfig(dir: string, port: number, serverLines: string[], rest: string[]): string {
  return [
    'server:',
    `  interface: ${HOST}`,
    `  port: ${port}`,
    // Every packet unbound sends leaves from loopback, so a test can never query the internet.
    `  outgoing-interface: ${HOST}`,
    '  do-ip6: no',
    '  do-daemonize: no',
    '  use-syslog: no',
    '  logfile: ""',
    '  verbosity: 1',
    '  username: ""',
    '  chroot: ""',
    `  directory: "${dir}"`,
    `  pidfile: "${join(dir, 'unbound.pid')}"`,
    // No DNSSEC validator: there is no trust anchor for local test zones.
    '  module-config: "iterator"',
    '  num-threads: 1',
    // Forwarders on 127.0.0.1 are allowed, and a dead one gives SERVFAIL in ~0.2 s, not after
    // unbound's default back-off (which dropped the query unanswered at discard-timeout, 1.9 s).
    '  do-not-query-localhost: no',
    '  outbound-msg-retry: 1',
    '  unknown-server-time-limit: 100',
    '  infra-cache-max-rtt: 200',
    '  max-sent-count: 3',
    '  discard-timeout: 0',
    ...serverLines,
    'remote-control:',
    '  control-enable: no',
    ...rest,
    '',
  ].join('\n');
}

function launch(config: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(UNBOUND, ['-d', '-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`unbound did not start: ${why}\n${log}`));
    };
    const timer = setTimeout(() => fail('no "start of service" within 5 s'), 5000);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('start of service')) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve(child);
      }
    };
    const onExit = (code: number | null) => fail(`exited with ${code}`);
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', onExit);
    child.on('error', (err: NodeJS.ErrnoException) =>
      fail(err.code === 'ENOENT' ? `unbound is not installed: ${UNBOUND_INSTALL_HINT}` : err.message),
    );
  });
}

async function stop(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(dir, { recursive: true, force: true });
}
