import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { leftoverProbePods } from '../fixtures/probe-pods.js';
import { loadScenario, SCENARIOS_DIR } from '../sim/scenario/load.js';
import { startSimulation } from '../sim/simulate.js';
import { CLI, ROOT, runCli } from './run-cli.js';

const HEALTHY = 'test/sim/scenarios/healthy-kubeadm.yaml';
const dir = mkdtempSync(join(tmpdir(), 'dnsmedic-diagnose-'));

describe('dnsmedic diagnose (real process, simulated cluster)', () => {
  it('diagnoses the scenario target and says healthy, exit 0', async () => {
    const r = await runCli(['diagnose', '--scenario', HEALTHY]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('HEALTHY');
    expect(r.stdout).toMatch(/ok\s+CoreDNS pod status and resources/);
  });

  it('prints the documented JSON report', async () => {
    const r = await runCli([
      'diagnose',
      'shop/web-7d9f8c6b5-x2x4q',
      '--scenario',
      HEALTHY,
      '--output',
      'json',
    ]);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({
      schemaVersion: 1,
      target: { namespace: 'shop', pod: 'web-7d9f8c6b5-x2x4q' },
      verdict: { checkId: 'dns.healthy' },
    });
    expect(report.steps.map((s: { id: string }) => s.id)).toContain('coredns-logs');
    expect(report.cluster.clusterDomain).toBe('cluster.local');
  });

  it('runs the cluster-wide part without a client pod', async () => {
    const r = await runCli(['diagnose', '--cluster', '--scenario', HEALTHY, '--output', 'json']);
    const report = JSON.parse(r.stdout);
    expect(report.steps.find((s: { id: string }) => s.id === 'pod-config').status).toBe('skipped');
    expect(report.steps.find((s: { id: string }) => s.id === 'coredns-status').status).toBe('ok');
  });

  it.each([
    [['diagnose', 'shop/'], 'needs a pod name after the slash'],
    [['diagnose', 'Shop/web'], 'namespace "Shop" is not valid'],
    [['diagnose', `shop/${'a'.repeat(300)}`], 'longer than 253 characters'],
    [['diagnose', 'shop/web;rm -rf /'], 'is not valid'],
    [['diagnose', 'shop/$(id)'], 'is not valid'],
    [['diagnose', 'web'], 'must be <namespace>/<pod>'],
    [['diagnose', 'shop/web', '--cluster'], 'give one of'],
    [['diagnose', 'shop/web', '--domain', 'a..b'], 'empty label'],
    [['diagnose', 'shop/web', '--domain', `${'a'.repeat(64)}.com`], 'longer than 63'],
    [['diagnose', 'shop/web', '--domain', 'bücher.example'], 'IDNA'],
    [['diagnose', 'shop/nope', '--scenario', HEALTHY], 'pod shop/nope not found'],
    [['diagnose', 'shop/web', '--kubeconfig', '/nonexistent/kubeconfig'], 'kubeconfig'],
    [['diagnose', 'shop/web', '--scenario', 'test/sim/scenarios/no-such.yaml'], 'no-such.yaml'],
  ])('refuses %j with exit 2 and one clear message', async (args, message) => {
    const r = await runCli(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('names the file, the line and the problem of an invalid scenario', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      [
        'extends: kubeadm',
        'description: broken',
        'expect: { verdict: dns.healthy }',
        'objects:',
        '- apiVersion: v1',
        '  kind: Pod',
        '  metadata:',
        '    namespace: shop',
        '',
      ].join('\n'),
    );
    const r = await runCli(['diagnose', '--scenario', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:\d+:\d+: .*metadata.*name/);
  });

  it('names an unknown kubeconfig context', async () => {
    const kc = join(dir, 'kubeconfig');
    writeFileSync(
      kc,
      'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:9"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: real, context: {cluster: c, user: u}}]\ncurrent-context: real\n',
    );
    const r = await runCli(['diagnose', 'shop/web', '--kubeconfig', kc, '--context', 'staging']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('context "staging"');
  });
});

describe('dnsmedic diagnose, stopped with Ctrl-C while a probe pod hangs', () => {
  it('stops waiting, deletes the probe pods, prints what it has and exits 130', async () => {
    // The simulator runs here, so the test sees the pods the real process creates and deletes.
    const scenario = loadScenario(join(SCENARIOS_DIR, 'healthy-kubeadm.yaml'));
    scenario.probePods = { hang: true };
    const sim = await startSimulation(scenario);
    try {
      const t = scenario.target;
      const args = [
        'diagnose',
        `${t.namespace}/${t.pod}`,
        '--kubeconfig',
        sim.kubeconfigPath,
        '--probes',
        'pod',
      ];
      const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { PATH: process.env.PATH } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
      const created = () => sim.api.requests.filter((r) => r.method === 'POST' && r.status === 201).length;
      const started = performance.now();
      while (created() < 2 && performance.now() - started < 30_000) await sleep(50);
      expect(created()).toBe(2);
      child.kill('SIGINT');
      const code = await closed;
      expect(stderr).toContain('dnsmedic: stopping; deleting probe pods first');
      expect(code).toBe(130);
      expect(stdout).toMatch(/was abandoned: the diagnosis was stopped/);
      expect(await leftoverProbePods(sim)).toEqual([]);
      // Well before the 60 s a hanging probe pod would otherwise be waited for.
      expect(performance.now() - started).toBeLessThan(30_000);
    } finally {
      await sim.close();
    }
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
