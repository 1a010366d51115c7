import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/coredns-load-unbalanced.js';
import type { Evidence, PodUsage } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import { corednsPod, dnsService, healthyEvidence, probe } from '../../fixtures/evidence.js';

const A = 'coredns-5d78c9869d-abcde';
const B = 'coredns-5d78c9869d-fghij';

function failing(base = healthyEvidence()): Evidence {
  return {
    ...base,
    clientProbes: seen({
      where: 'probe-pod',
      node: 'node-a',
      results: [
        probe({
          hop: 'dns-service',
          server: '10.96.0.10:53',
          answered: 16,
          timeouts: 4,
          rcodes: { NOERROR: 16 },
        }),
      ],
    }),
  };
}

function slowProbes(base = healthyEvidence()): Evidence {
  return {
    ...base,
    clientProbes: seen({
      where: 'probe-pod',
      results: [
        probe({ hop: 'coredns-pod', server: '10.244.2.3:53', latencyMs: { p50: 200, p95: 700, max: 1500 } }),
      ],
    }),
  };
}

const oneNode = (e: Evidence): Evidence => ({
  ...e,
  corednsPods: seen([corednsPod(A, 'node-b', '10.244.2.3'), corednsPod(B, 'node-b', '10.244.2.4')]),
});
const single = (e: Evidence): Evidence => ({
  ...e,
  corednsPods: seen([corednsPod(A, 'node-b', '10.244.2.3')]),
});
const clientIp = (e: Evidence): Evidence => {
  const service = dnsService();
  service.spec.sessionAffinity = 'ClientIP';
  return {
    ...e,
    clusterDns: seen({ service, ip: '10.96.0.10', clusterDomain: 'cluster.local', provider: 'coredns' }),
  };
};
const cpu =
  (a: number, b: number) =>
  (e: Evidence): Evidence => ({
    ...e,
    corednsUsage: seen<PodUsage[]>([
      { pod: A, cpuMillis: a, memoryBytes: 20e6 },
      { pod: B, cpuMillis: b, memoryBytes: 20e6 },
    ]),
  });

describe('coredns.load-unbalanced', () => {
  it('names both replicas on one node when lookups fail, with a spread patch', () => {
    const [f, ...rest] = check.run(oneNode(failing()));

    expect(rest).toEqual([]);
    expect(f?.checkId).toBe('coredns.load-unbalanced');
    expect(f?.severity).toBe('warning');
    expect(f?.title).toBe('DNS load unbalanced: all replicas on node node-b');
    expect(f?.evidence[0]).toEqual({
      source: 'ready CoreDNS pods in kube-system',
      text: `2 ready: ${A} on node-b, ${B} on node-b`,
    });
    const commands = f?.remedies[0]?.commands ?? [];
    expect(commands[0]).toContain('kubectl -n kube-system patch deployment coredns --type=merge');
    expect(commands[0]).toContain('"matchLabels":{"k8s-app":"kube-dns"}');
    expect(commands).toContain('kubectl -n kube-system scale deployment coredns --replicas=2');
    expect(f?.weight).toBe(0.3);
  });

  it('is critical for sessionAffinity ClientIP with failing lookups, and removes it', () => {
    const [f] = check.run(clientIp(failing()));

    expect(f?.severity).toBe('critical');
    expect(f?.evidence).toContainEqual({
      source: 'Service kube-system/kube-dns',
      text: 'spec.sessionAffinity: ClientIP',
    });
    expect(f?.remedies[0]?.commands).toEqual([
      `kubectl -n kube-system patch service kube-dns -p '{"spec":{"sessionAffinity":"None"}}'`,
    ]);
    expect(f?.weight).toBe(0.5);
  });

  it('sees one pod carrying the load when answers are slow', () => {
    const [f] = check.run(cpu(800, 40)(slowProbes()));

    expect(f?.severity).toBe('warning');
    expect(f?.title).toContain(`pod ${A} carrying most of the load`);
    expect(f?.evidence).toContainEqual({
      source: 'CoreDNS pod CPU (metrics.k8s.io)',
      text: `${A} 800m, ${B} 40m`,
    });
    expect(f?.weight).toBe(0.5);
  });

  it.each([
    ['a single replica', single],
    ['sessionAffinity ClientIP', clientIp],
  ])('gives only an info note for %s when DNS answers fine', (_, change) => {
    const [f] = check.run(change(healthyEvidence()));
    expect(f?.severity).toBe('info');
    expect(f?.weight).toBe(0.1);
  });

  it('says nothing on a healthy cluster', () => {
    expect(check.run(healthyEvidence())).toEqual([]);
  });

  it('does not call idle skew a cause, even with failing lookups', () => {
    expect(check.run(cpu(40, 2)(failing()))).toEqual([]);
  });

  it.each([
    ['unseen', unseen('pods is forbidden')],
    ['absent', undefined],
  ])('stays quiet when the pods are %s', (_, corednsPods) => {
    expect(check.run({ ...failing(), corednsPods } as Evidence)).toEqual([]);
  });
});
