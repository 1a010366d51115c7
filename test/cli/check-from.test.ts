/**
 * `dnsmedic check --from` as a user runs it, against the simulator: a real process, a real probe
 * pod created, run by the simulator's kubelet through the address map, read and deleted.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SCENARIOS_DIR } from '../sim/scenario/load.js';
import { runCli } from './run-cli.js';

const healthy = join(SCENARIOS_DIR, 'healthy-kubeadm.yaml');
const client = 'shop/web-7d9f8c6b5-x2x4q';
const dir = mkdtempSync(join(tmpdir(), 'dnsmedic-check-from-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function scenario(name: string, body: string): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, `extends: kubeadm\ndescription: ${name}\nexpect: { verdict: dns.healthy }\n${body}`);
  return path;
}

describe('dnsmedic check --from (real process, simulator)', () => {
  it("asks the pod's nameservers from its node, shows its resolv.conf and the libc walks", async () => {
    const r = await runCli(['check', 'cart', '--from', client, '--scenario', healthy, '--count', '3']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/10\.96\.0\.10:53 +udp +3\/3 answered/);
    expect(r.stdout).toMatch(/10\.96\.0\.10:53 +tcp +3\/3 answered/);
    expect(r.stdout).toContain(
      'Asked from a probe pod on node kube-node-1, with the DNS settings of shop/web-7d9f8c6b5-x2x4q',
    );
    expect(r.stdout).toMatch(/^ {2}nameserver 10\.96\.0\.10$/m);
    expect(r.stdout).toMatch(
      /glibc would look up cart: answer after 2 queries \(cart\.shop\.svc\.cluster\.local\)/,
    );
  });

  it('exits 1 when the servers do not answer over UDP, with the evidence', async () => {
    const blocked = scenario('udp-blocked', 'dns:\n  10.96.0.10:53: { silent: udp }\n');
    const r = await runCli([
      'check',
      'kubernetes.default',
      '--from',
      client,
      '--scenario',
      blocked,
      '--count',
      '2',
      '--timeout',
      '200',
      '--output',
      'json',
    ]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    const udp = out.results.find((x: { transport: string }) => x.transport === 'udp');
    expect(udp).toMatchObject({ attempts: 2, answered: 0, timeouts: 2 });
    expect(out.from).toMatch(/probe pod on node kube-node-1/);
  });

  it('a probe pod refused by admission: the reason on stderr, exit 1', async () => {
    const refused = scenario(
      'refused',
      'probePods: { admissionDenied: \'admission webhook "deny-all.acme" denied the request: no pods here\' }\n',
    );
    const r = await runCli(['check', 'cart', '--from', client, '--scenario', refused]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^dnsmedic: check: the API server refused the probe pod in dnsmedic-probes: .*no pods here\n$/,
    );
  });

  it.each([
    [
      ['check', 'cart', '--from', 'shop/nope', '--scenario', healthy],
      /^dnsmedic: check: pod shop\/nope not found\n$/,
    ],
    [['check', 'cart', '--from', 'shop/'], /^dnsmedic: check: --from: /],
    [['check', 'cart', '--kubeconfig', '/nonexistent'], /--kubeconfig needs --from/],
  ])('bad input %# exits 2 with one line', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
