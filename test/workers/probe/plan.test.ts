import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Evidence } from '../../../playbooks/model/evidence.js';
import { seen } from '../../../playbooks/model/gathered.js';
import type { EndpointSlice, Service } from '../../../playbooks/model/k8s.js';
import { diagnoseCluster } from '../../../workers/diagnose.js';
import { mapDialer } from '../../../workers/probe/dialer.js';
import { planProbes, probeFromWorker } from '../../../workers/probe/plan.js';
import { type SimDnsServers, startDnsServers } from '../../sim/dns/index.js';
import { loadScenario, SCENARIOS_DIR } from '../../sim/scenario/load.js';
import { startSimulation } from '../../sim/simulate.js';

const records = {
  'kubernetes.default.svc.cluster.local': { A: ['10.96.0.1'] },
  'cart.shop.svc.cluster.local': { A: ['10.96.142.7'] },
  'example.com': { A: ['93.184.215.14'], AAAA: ['2606:2800:21f:cb07::1'] },
};

const slice = (...ips: string[]): EndpointSlice => ({
  metadata: { name: 'kube-dns-abc', namespace: 'kube-system' },
  endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
});

function evidence(serviceIp: string, podIps: string[], extra: Partial<Evidence> = {}): Evidence {
  const service: Service = { metadata: { name: 'kube-dns', namespace: 'kube-system' } } as Service;
  return {
    target: { namespace: 'shop', pod: 'web', domain: 'cart' },
    observedAt: '2024-08-20T10:00:00Z',
    clusterDns: seen({ service, ip: serviceIp, clusterDomain: 'cluster.local', provider: 'coredns' }),
    corednsEndpoints: seen([slice(...podIps)]),
    ...extra,
  };
}

let sim: SimDnsServers;
beforeAll(async () => {
  sim = await startDnsServers({
    '10.96.0.10:53': { records },
    '10.244.1.5:53': { records },
    '10.244.2.6:53': { records },
    '10.96.0.20:53': { records, silent: 'both' },
    '10.0.1.1:53': { records, rcodes: { 'api.partner.net': 'SERVFAIL' } },
  });
});
afterAll(() => sim.close());

const fast = { count: 5, timeoutMs: 400 };

describe('planProbes', () => {
  it('plans every hop for the asked name (as an FQDN), kubernetes.default and an external name', () => {
    const plan = planProbes(evidence('10.96.0.10', ['10.244.1.5', '10.244.2.6']));
    const hops = new Set(plan.client.map((s) => `${s.target.hop} ${s.target.host}`));
    expect([...hops]).toEqual(['dns-service 10.96.0.10', 'coredns-pod 10.244.1.5', 'coredns-pod 10.244.2.6']);
    expect([...new Set(plan.client.map((s) => s.query.name))]).toEqual([
      'cart.shop.svc.cluster.local',
      'kubernetes.default.svc.cluster.local',
      'example.com',
    ]);
    // 3 hops x 3 names x UDP/TCP, plus same-socket and separate pairs to the Service IP.
    expect(plan.client).toHaveLength(20);
    expect(plan.client.filter((s) => s.pair).map((s) => `${s.pair} ${s.target.host}`)).toEqual([
      'same-socket 10.96.0.10',
      'separate 10.96.0.10',
    ]);
    expect(plan.coredns).toEqual([]);
  });

  it('takes upstreams from forward IPs and the logged upstream errors, for the failing external names', () => {
    const corefile = {
      text: '',
      source: 'kube-system/coredns',
      parsed: {
        servers: [
          {
            keys: [{ zone: '.' }],
            line: 1,
            directives: [
              { name: 'forward', args: ['.', '/etc/resolv.conf', 'dns://10.0.1.1:53'], block: [], line: 2 },
            ],
          },
        ],
        imports: [],
        problems: [],
      },
    };
    const logs = {
      failedNames: [
        {
          name: 'api.partner.net.',
          rcode: 'SERVFAIL',
          nameClass: 'external',
          count: 4,
          authoritative: false,
          sample: '',
        },
        {
          name: 'cart.shop.svc.cluster.local.',
          rcode: 'NXDOMAIN',
          nameClass: 'cluster',
          count: 9,
          authoritative: true,
          sample: '',
        },
      ],
      upstreamErrors: [{ upstream: '10.0.2.2:53', timeouts: 3, other: 0, sample: '' }],
    };
    const e = evidence('10.96.0.10', [], {
      corefile: seen(corefile),
      corednsLogs: seen(logs as never),
    });
    const plan = planProbes(e);
    expect(
      plan.coredns.map((s) => `${s.target.hop} ${s.target.host}:${s.target.port} ${s.query.name}`),
    ).toEqual(['upstream 10.0.1.1:53 api.partner.net', 'upstream 10.0.2.2:53 api.partner.net']);
  });

  it('refuses absurd counts and timeouts', () => {
    expect(() => planProbes(evidence('10.96.0.10', []), { count: 0 })).toThrow(/count 0/);
    expect(() => planProbes(evidence('10.96.0.10', []), { timeoutMs: 1 })).toThrow(/timeout 1 ms/);
  });
});

describe('probeFromWorker', () => {
  it('gets every hop answered on a healthy plan, reported as worker-local', async () => {
    const run = await probeFromWorker(
      mapDialer(sim.map),
      evidence('10.96.0.10', ['10.244.1.5', '10.244.2.6']),
      fast,
    );
    expect(run.skipped).toEqual([]);
    expect(run.clientProbes.ok).toBe(true);
    if (!run.clientProbes.ok) return;
    expect(run.clientProbes.value.where).toBe('worker-local');
    const results = run.clientProbes.value.results;
    expect(results).toHaveLength(20);
    for (const r of results) {
      expect(r.timeouts, `${r.hop} ${r.server} ${r.name} ${r.transport}`).toBe(0);
      expect(r.answered).toBe(r.attempts);
    }
    const pairs = results.filter((r) => r.mode !== undefined);
    expect(pairs.map((r) => [r.mode, r.qtype, r.attempts, r.rcodes])).toEqual([
      ['same-socket', 'A+AAAA', 10, { NOERROR: 10 }],
      ['separate', 'A+AAAA', 10, { NOERROR: 10 }],
    ]);
    expect(run.corednsSideProbes).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/no upstream address/),
    });
  });

  it('shows a silent Service IP next to answering pods, in about one timeout', async () => {
    const started = performance.now();
    const run = await probeFromWorker(
      mapDialer(sim.map),
      evidence('10.96.0.20', ['10.244.1.5', '10.244.2.6']),
      // Long enough that answering servers answer even on a loaded machine.
      { count: 20, timeoutMs: 1000 },
    );
    const ms = performance.now() - started;
    expect(run.clientProbes.ok).toBe(true);
    if (!run.clientProbes.ok) return;
    const results = run.clientProbes.value.results;
    const service = results.filter((r) => r.hop === 'dns-service');
    const pods = results.filter((r) => r.hop === 'coredns-pod');
    expect(service).toHaveLength(8);
    for (const r of service) expect([r.answered, r.timeouts]).toEqual([0, r.attempts]);
    expect(pods).toHaveLength(12);
    for (const r of pods) expect(r.answered).toBe(20);
    // Eight silent series of 20: about one timeout, not 160 of them (nor one per series: 8 s).
    expect(ms).toBeGreaterThanOrEqual(1000);
    expect(ms).toBeLessThan(3000);
  });

  it('refuses an address missing from the map, with the reason, without sending', async () => {
    const run = await probeFromWorker(mapDialer(sim.map), evidence('10.96.0.99', ['10.244.1.5']), fast);
    expect(run.skipped.some((s) => /10\.96\.0\.99:53.*no simulated server is mapped/.test(s))).toBe(true);
    expect(run.clientProbes.ok).toBe(true);
    if (run.clientProbes.ok)
      expect(new Set(run.clientProbes.value.results.map((r) => r.server))).toEqual(
        new Set(['10.244.1.5:53']),
      );

    const none = await probeFromWorker(mapDialer(sim.map), evidence('10.96.0.99', []), fast);
    expect(none.clientProbes).toMatchObject({
      ok: false,
      reason: expect.stringMatching(
        /no probe could run: .*10\.96\.0\.99:53.*AddressNotMapped|no probe could run: .*no simulated server/,
      ),
    });
  });

  it('probes an upstream the Corefile names and reproduces its error code', async () => {
    const corefile = {
      text: '',
      source: 'kube-system/coredns',
      parsed: {
        servers: [
          {
            keys: [{ zone: '.' }],
            line: 1,
            directives: [{ name: 'forward', args: ['.', '10.0.1.1'], block: [], line: 2 }],
          },
        ],
        imports: [],
        problems: [],
      },
    };
    const e = evidence('10.96.0.10', [], {
      target: { namespace: 'shop', pod: 'web', domain: 'api.partner.net' },
      corefile: seen(corefile),
    });
    const run = await probeFromWorker(mapDialer(sim.map), e, fast);
    expect(run.corednsSideProbes.ok).toBe(true);
    if (!run.corednsSideProbes.ok) return;
    expect(run.corednsSideProbes.value.results).toMatchObject([
      {
        hop: 'upstream',
        side: 'coredns',
        server: '10.0.1.1:53',
        name: 'api.partner.net',
        rcodes: { SERVFAIL: 5 },
      },
    ]);
  });
});

describe('diagnoseCluster with a dialer', () => {
  it('puts worker-local client probes in the evidence of a scenario', async () => {
    const scenario = loadScenario(join(SCENARIOS_DIR, 'healthy-kubeadm.yaml'));
    const simulation = await startSimulation(scenario);
    try {
      const steps: string[] = [];
      const t = scenario.target;
      const { report, evidence: gathered } = await diagnoseCluster({
        target: { namespace: t.namespace, pod: t.pod, ...(t.domain ? { domain: t.domain } : {}) },
        kubeconfig: simulation.kubeconfigPath,
        prometheusUrl: simulation.prometheus.url,
        now: () => new Date(scenario.now),
        dialer: mapDialer(simulation.addressMap),
        probeOptions: fast,
        onStep: (s) => steps.push(`${s.step} ${s.status}`),
      });
      expect(steps).toContain('clientProbes done');
      const probes = gathered.clientProbes;
      expect(probes?.ok).toBe(true);
      if (probes?.ok) {
        expect(probes.value.where).toBe('worker-local');
        expect(probes.value.results.some((r) => r.hop === 'dns-service' && r.answered === r.attempts)).toBe(
          true,
        );
      }
      expect(report.verdict.checkId).toBe('dns.healthy');
    } finally {
      await simulation.close();
    }
  });
});
