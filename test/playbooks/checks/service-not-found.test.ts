import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/service-not-found.js';
import type { AskedName, Evidence } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import type { EndpointSlice, Service, StatefulSet } from '../../../playbooks/model/k8s.js';
import { healthyEvidence, probe } from '../../fixtures/evidence.js';

const NAME = 'db.data.svc.cluster.local';

function headless(name = 'db'): Service {
  return { metadata: { name, namespace: 'data' }, spec: { clusterIP: 'None', selector: { app: 'db' } } };
}

function sts(serviceName = 'db'): StatefulSet {
  return {
    metadata: { name: 'db', namespace: 'data' },
    spec: { serviceName, selector: { matchLabels: { app: 'db' } } },
  };
}

function slices(...pods: [string, boolean][]): EndpointSlice[] {
  const endpoints = pods.map(([name, ready], i) => ({
    addresses: [`10.244.5.${i + 1}`],
    conditions: { ready },
    targetRef: { kind: 'Pod', name, namespace: 'data' },
  }));
  return [{ metadata: { name: 'db-abcde', namespace: 'data' }, endpoints }];
}

function asking(asked: Partial<AskedName>, over: Partial<Evidence> = {}): Evidence {
  return {
    ...healthyEvidence(),
    target: { namespace: 'shop', pod: 'web-7d9f', domain: asked.name ?? NAME },
    askedName: seen({ name: NAME, kind: 'cluster', ...asked }),
    ...over,
  };
}

describe('service.not-found', () => {
  it('fires critical when no Service stands behind the asked name', () => {
    const nx = probe({
      hop: 'dns-service',
      server: '10.96.0.10:53',
      name: `${NAME}.`,
      rcodes: { NXDOMAIN: 20 },
    });
    const e = asking({}, { clientProbes: seen({ where: 'probe-pod', node: 'node-a', results: [nx] }) });

    const [f, ...rest] = check.run(e);

    expect(rest).toEqual([]);
    expect(f?.checkId).toBe('service.not-found');
    expect(f?.severity).toBe('critical');
    expect(f?.weight).toBe(0.7);
    expect(f?.title).toBe(`No Service data/db: ${NAME} does not exist`);
    expect(f?.evidence[0]).toEqual({ source: 'Kubernetes API', text: 'no Service data/db' });
    expect(f?.evidence[1]?.text).toContain('NXDOMAIN 20');
    expect(f?.remedies[0]?.commands).toEqual([
      'kubectl -n data get services',
      'kubectl get services -A --field-selector metadata.name=db',
    ]);
  });

  it("takes the client's namespace for a short name", () => {
    const [f] = check.run(asking({ name: 'redis' }));

    expect(f?.title).toBe('No Service shop/redis: redis does not exist');
    expect(f?.remedies[0]?.commands).toContain('kubectl -n shop get services');
  });

  it('fires when the StatefulSet pod the name points at does not exist', () => {
    const e = asking({
      name: `db-7.${NAME}`,
      podHostname: 'db-7',
      service: headless(),
      statefulSet: sts(),
      endpointSlices: slices(['db-0', true], ['db-1', true]),
    });

    const [f] = check.run(e);

    expect(f?.title).toBe(`No pod db-7 behind Service data/db: db-7.${NAME} does not exist`);
    expect(f?.remedies[0]?.commands).toContain('kubectl -n data get statefulset db -o wide');
  });

  it('says nothing on a healthy cluster', () => {
    expect(check.run(healthyEvidence())).toEqual([]);
  });

  it.each([
    ['an external name', { kind: 'external' as const, name: 'api.example.net' }, undefined],
    ['an existing Service', { service: headless() }, undefined],
    ['a pod-IP name', { name: '10-244-1-5.shop.pod.cluster.local' }, undefined],
    [
      'a pod that exists but is not ready',
      {
        name: `db-1.${NAME}`,
        podHostname: 'db-1',
        service: headless(),
        statefulSet: sts(),
        endpointSlices: slices(['db-1', false]),
      },
      undefined,
    ],
    [
      'a StatefulSet that names another Service (statefulset.service-name-mismatch)',
      {
        name: `db-0.${NAME}`,
        podHostname: 'db-0',
        service: headless(),
        statefulSet: sts('db-hl'),
        endpointSlices: slices(),
      },
      undefined,
    ],
    [
      'a name that answers (rewrite or hosts)',
      {},
      probe({ hop: 'dns-service', server: '10.96.0.10:53', name: NAME }),
    ],
  ] as [string, Partial<AskedName>, ReturnType<typeof probe> | undefined][])(
    'does not fire for %s',
    (_, asked, answer) => {
      const over = answer ? { clientProbes: seen({ where: 'probe-pod' as const, results: [answer] }) } : {};
      expect(check.run(asking(asked, over))).toEqual([]);
    },
  );

  it.each([
    ['unseen', { askedName: unseen('services is forbidden') }],
    ['absent', { askedName: undefined, clusterDns: undefined, clientProbes: undefined }],
  ])('stays quiet when the asked name is %s', (_, over) => {
    expect(check.run({ ...healthyEvidence(), ...over })).toEqual([]);
  });
});
