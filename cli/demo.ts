/**
 * `npm run demo`: the main job on shipped examples, with nothing to install or configure.
 * Diagnoses a simulated cluster whose CoreDNS crash-loops (the cluster simulator runs in-process
 * on loopback), reads a CoreDNS log (guide Step 3), and explains two client errors.
 */
import { fileURLToPath } from 'node:url';
import { diagnose } from './commands/diagnose.js';
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

const scenario = fileURLToPath(
  new URL('../../test/sim/scenarios/coredns-loop-detected.yaml', import.meta.url),
);
heading('dnsmedic diagnose --scenario test/sim/scenarios/coredns-loop-detected.yaml');
await diagnose(
  {
    kind: 'diagnose',
    scope: undefined,
    domain: undefined,
    output: 'text',
    kubeconfig: undefined,
    context: undefined,
    scenario,
    prometheusUrl: undefined,
    probes: { mode: undefined, namespace: undefined, image: undefined, hostNetwork: false, nodeProbe: false },
  },
  io,
);

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
