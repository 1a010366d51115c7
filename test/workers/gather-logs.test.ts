import { afterEach, describe, expect, it } from 'vitest';
import type { Evidence } from '../../playbooks/model/evidence.js';
import { gatherEvidence } from '../../workers/gather/index.js';
import type { K8sObject, Scenario } from '../sim/scenario/types.js';
import { BANNER, healthyScenario } from './fixtures.js';
import { type SimCluster, startCluster } from './sim-cluster.js';

let cluster: SimCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

async function gatherCluster(scenario: Scenario): Promise<Evidence> {
  cluster = await startCluster(scenario);
  const { evidence } = await gatherEvidence({
    kubeconfig: cluster.kubeconfig,
    target: {},
    now: () => new Date(scenario.now),
  });
  return evidence;
}

const POD_A = 'kube-system/coredns-5d78c9869d-abcde/coredns';

function corednsPod(scenario: Scenario, suffix: string): K8sObject {
  const pod = scenario.objects.find((o) => o.kind === 'Pod' && o.metadata.name.endsWith(suffix));
  if (!pod) throw new Error(`no pod ${suffix}`);
  return pod;
}

/** `n` query lines a second apart from `start` (ISO), with the kubelet's timestamp prefix. */
function queryLines(start: string, n: number): string {
  const t0 = Date.parse(start);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const at = new Date(t0 + i * 1000).toISOString();
    out.push(
      `${at} [INFO] 10.244.1.15:40277 - ${i} "A IN web.shop.svc.cluster.local. udp 54 false 512" NOERROR qr,aa,rd 106 0.000152s`,
    );
  }
  return `${out.join('\n')}\n`;
}

describe('CoreDNS logs', () => {
  it('reads error lines from a wider window when the query log floods the tail', async () => {
    const scenario = healthyScenario();
    const upstream =
      '2024-08-20T09:05:00Z [ERROR] plugin/errors: 2 example.com. A: read udp 10.244.2.3:43210->10.0.0.2:53: i/o timeout';
    scenario.logs[POD_A] = `${upstream}\n${queryLines('2024-08-20T09:10:00Z', 2500)}`;
    const e = await gatherCluster(scenario);

    const logs = e.corednsLogs?.ok ? e.corednsLogs.value : undefined;
    expect(logs?.upstreamErrors.map((u) => u.upstream)).toEqual(['10.0.0.2:53']);
    // The tail's 2000 queries are counted once; the wider window adds only its error line.
    expect(logs?.queries).toBe(2000);
    const wide = cluster
      ?.gets()
      .filter((g) => g.includes('coredns-5d78c9869d-abcde/log') && g.includes('sinceSeconds'));
    expect(wide).toHaveLength(1);
  });

  it('reads no wider window when the tail is not flooded', async () => {
    await gatherCluster(healthyScenario());
    expect(cluster?.gets().some((g) => g.includes('sinceSeconds'))).toBe(false);
  });

  it('skips a restarted container whose previous log is gone, and a container that never started', async () => {
    const scenario = healthyScenario();
    delete scenario.logs['kube-system/coredns-5d78c9869d-fghij/coredns@previous'];
    const pending = corednsPod(scenario, 'abcde');
    (pending.status as Record<string, unknown>).containerStatuses = [
      { name: 'coredns', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } },
    ];
    const e = await gatherCluster(scenario);
    expect(e.corednsLogs?.ok).toBe(true);
    expect(e.corednsLogs?.ok && e.corednsLogs.value.version).toBe('1.11.1');
    expect(e.corednsLogs?.ok && e.corednsLogs.value.events.some((x) => x.kind === 'loop')).toBe(false);
  });

  it('takes the version from the log banner when the image has no version tag', async () => {
    const scenario = healthyScenario();
    for (const suffix of ['abcde', 'fghij']) {
      const spec = corednsPod(scenario, suffix).spec as { containers: { image: string }[] };
      for (const c of spec.containers) c.image = 'mirror.local/coredns@sha256:0123456789abcdef';
    }
    scenario.logs[POD_A] = `2024-08-20T09:00:00Z ${BANNER[0]}\n2024-08-20T09:00:00Z CoreDNS-1.10.1\n`;
    delete scenario.logs['kube-system/coredns-5d78c9869d-fghij/coredns'];
    delete scenario.logs['kube-system/coredns-5d78c9869d-fghij/coredns@previous'];
    const e = await gatherCluster(scenario);
    expect(e.corednsVersion).toEqual({ ok: true, value: '1.10.1' });
  });
});
