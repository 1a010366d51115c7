/**
 * `npm run demo`: the main job on the shipped examples, with nothing to install or configure.
 * Reads a CoreDNS log (guide Step 3) and explains two client errors, as a user would type them.
 */
import { fileURLToPath } from 'node:url';
import { explain } from './commands/explain.js';
import { logs } from './commands/logs.js';
import { loadCliConfig } from './config.js';
import type { Io } from './io.js';

const example = (name: string) => fileURLToPath(new URL(`../../examples/${name}`, import.meta.url));
const io: Io = {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  config: loadCliConfig(process.env, process.stdout.isTTY === true),
};

function heading(command: string): void {
  process.stdout.write(`\n$ ${command}\n\n`);
}

heading('dnsmedic logs examples/coredns-upstream-timeout.log');
await logs(
  { kind: 'logs', file: example('coredns-upstream-timeout.log'), clusterDomain: undefined, output: 'text' },
  io,
);

const messages = [
  'dial tcp: lookup payments.example.com on 10.96.0.10:53: read udp 10.244.1.15:42922->10.96.0.10:53: i/o timeout',
  'php_network_getaddresses: getaddrinfo failed: Name or service not known in /var/www/pay.php on line 12',
];
for (const message of messages) {
  heading(`dnsmedic explain "${message}"`);
  await explain({ kind: 'explain', message, output: 'text' }, io);
}
