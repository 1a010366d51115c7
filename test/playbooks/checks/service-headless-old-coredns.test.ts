import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/service-headless-old-coredns.js';
import type { AskedName, Evidence, ProbeResult } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import type { EndpointSlice, Service } from '../../../playbooks/model/k8s.js';
import { corednsPod, healthyEvidence, probe } from '../../fixtures/evidence.js';

const NAME = 'kafka.data.svc.cluster.local';

function service(clusterIP = 'None'): Service {
  return { metadata: { name: 'kafka', namespace: 'data' }, spec: { clusterIP, selector: { app: 'kafka' } } };
}

function slices(ready = true): EndpointSlice[] {
  const endpoints = ['10.244.5.1', '10.244.5.2'].map((ip) => ({ addresses: [ip], conditions: { ready } }));
  return [{ metadata: { name: 'kafka-x1', namespace: 'data' }, endpoints }];
}

function asked(over: Partial<AskedName> = {}): AskedName {
  return { name: NAME, kind: 'cluster', service: service(), endpointSlices: slices(), ...over };
}

function evidence(a: AskedName, version: string, results: ProbeResult[] = []): Evidence {
  const pod = corednsPod('coredns-6955765f44-abcde', 'node-b', '10.244.2.3');
  if (pod.spec.containers[0]) pod.spec.containers[0].image = `k8s.gcr.io/coredns:${version}`;
  return {
    ...healthyEvidence(),
    askedName: seen(a),
    corednsVersion: seen(version),
    corednsPods: seen([pod]),
    clientProbes: seen({ where: 'probe-pod', node: 'node-a', results }),
  };
}

const nx = probe({ hop: 'dns-service', server: '10.96.0.10:53', name: NAME, rcodes: { NXDOMAIN: 20 } });

describe('service.headless-old-coredns', () => {
  it('fires critical when the headless name fails on CoreDNS 1.6.7', () => {
    const [f, ...rest] = check.run(evidence(asked(), '1.6.7', [nx]));

    expect(rest).toEqual([]);
    expect(f?.checkId).toBe('service.headless-old-coredns');
    expect(f?.severity).toBe('critical');
    expect(f?.weight).toBe(0.7);
    expect(f?.title).toBe('Headless Service data/kafka on CoreDNS 1.6.7 (< 1.7.0)');
    expect(f?.evidence[1]).toEqual({
      source: 'Service data/kafka',
      text: 'clusterIP: None; 2 ready endpoints: 10.244.5.1, 10.244.5.2',
    });
    expect(f?.evidence[2]?.text).toContain('NXDOMAIN 20');
    expect(f?.remedies[0]?.commands).toEqual(['kubectl -n kube-system rollout restart deployment/coredns']);
    expect(f?.remedies[1]?.commands).toEqual([
      'kubectl -n kube-system set image deployment/coredns coredns=k8s.gcr.io/coredns:1.7.0',
    ]);
  });

  it('fires critical when the answer holds only stale addresses', () => {
    const stale = probe({
      hop: 'dns-service',
      server: '10.96.0.10:53',
      name: NAME,
      sample: `${NAME}. 5 IN A 10.244.9.9`,
    });

    const [f] = check.run(evidence(asked(), '1.6.2', [stale]));

    expect(f?.severity).toBe('critical');
    expect(f?.evidence[2]?.text).toContain('10.244.9.9');
  });

  it('warns when nothing shows the name failing yet', () => {
    const [f] = check.run(evidence(asked(), '1.6.7'));

    expect(f?.severity).toBe('warning');
    expect(f?.weight).toBe(0.5);
  });

  it('says nothing on a healthy cluster', () => {
    expect(check.run(healthyEvidence())).toEqual([]);
  });

  const resolves = probe({
    hop: 'dns-service',
    server: '10.96.0.10:53',
    name: NAME,
    sample: `${NAME}. 5 IN A 10.244.5.1`,
  });
  it.each([
    ['the Service has no ready endpoints', asked({ endpointSlices: slices(false) }), '1.6.7', [nx]],
    ['CoreDNS is 1.7.0', asked(), '1.7.0', [nx]],
    ['CoreDNS is 1.11.3', asked(), '1.11.3', [nx]],
    ['the Service is not headless', asked({ service: service('10.100.4.2') }), '1.6.7', [nx]],
    ['the name resolves to a ready endpoint', asked(), '1.6.7', [resolves]],
    ['the version is unreadable', asked(), 'latest', [nx]],
  ] as [string, AskedName, string, ProbeResult[]][])('does not fire when %s', (_, a, version, results) => {
    expect(check.run(evidence(a, version, results))).toEqual([]);
  });

  it.each([
    ['unseen', { askedName: unseen('services is forbidden'), corednsVersion: unseen('pods is forbidden') }],
    [
      'absent',
      { askedName: undefined, corednsVersion: undefined, corednsPods: undefined, clientProbes: undefined },
    ],
  ])('stays quiet when the evidence is %s', (_, over) => {
    expect(check.run({ ...evidence(asked(), '1.6.7', [nx]), ...over })).toEqual([]);
  });
});
