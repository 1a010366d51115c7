import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/statefulset-service-name-mismatch.js';
import type { Evidence } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import type { Service, StatefulSet } from '../../../playbooks/model/k8s.js';
import { healthyEvidence, pod } from '../../fixtures/evidence.js';

const POD_NAME = 'db-0.db.data.svc.cluster.local';

function service(over: Partial<Service['spec']> = {}, name = 'db'): Service {
  return {
    metadata: { name, namespace: 'data' },
    spec: { clusterIP: 'None', selector: { app: 'db' }, ...over },
  };
}

function sts(serviceName?: string): StatefulSet {
  return {
    metadata: { name: 'db', namespace: 'data' },
    spec: { ...(serviceName !== undefined ? { serviceName } : {}), selector: { matchLabels: { app: 'db' } } },
  };
}

function asking(svc: Service, set: StatefulSet): Evidence {
  return {
    ...healthyEvidence(),
    askedName: seen({ name: POD_NAME, kind: 'cluster', podHostname: 'db-0', service: svc, statefulSet: set }),
  };
}

/** The client is db-0 itself, owned by the StatefulSet. */
function owning(
  set: StatefulSet,
  governing: Service | undefined,
  labels: Record<string, string> = { app: 'db' },
): Evidence {
  const client = pod('db-0', 'data', 'node-a');
  client.metadata.labels = labels;
  return {
    ...healthyEvidence(),
    clientPod: seen(client),
    clientOwner: seen({ statefulSet: set, ...(governing ? { governingService: governing } : {}) }),
  };
}

describe('statefulset.service-name-mismatch', () => {
  it('fires critical when the asked pod name sits under a Service the StatefulSet does not name', () => {
    const [f, ...rest] = check.run(asking(service(), sts('db-hl')));

    expect(rest).toEqual([]);
    expect(f?.checkId).toBe('statefulset.service-name-mismatch');
    expect(f?.severity).toBe('critical');
    expect(f?.weight).toBe(0.7);
    expect(f?.title).toBe('StatefulSet data/db: spec.serviceName is "db-hl", not "db"');
    expect(f?.evidence[0]).toEqual({ source: 'StatefulSet data/db', text: 'spec.serviceName: "db-hl"' });
    expect(f?.detail).toContain('db-0 does not resolve');
    const commands = f?.remedies[0]?.commands ?? [];
    expect(commands).toContain('kubectl -n data delete statefulset db --cascade=orphan');
    expect(commands.join('\n')).toContain('"spec":{"serviceName":"db"}');
    expect(commands.join('\n')).not.toContain('apiVersion');
  });

  it('creates a headless Service when the named one has a ClusterIP', () => {
    const [f] = check.run(asking(service({ clusterIP: '10.100.3.3' }), sts('db')));

    expect(f?.title).toContain('Service db has clusterIP 10.100.3.3, not None');
    expect(f?.remedies[0]?.commands[0]).toBe(
      `echo '{"apiVersion":"v1","kind":"Service","metadata":{"name":"db-headless"},"spec":{"clusterIP":"None","selector":{"app":"db"}}}' | kubectl -n data apply -f -`,
    );
  });

  it.each([
    ['an empty serviceName', asking(service(), sts('')), 'spec.serviceName is empty', 'critical'],
    [
      'a serviceName naming no Service',
      owning(sts('db-hl'), undefined),
      'names no existing Service',
      'warning',
    ],
    [
      'a Service selecting other pods',
      owning(sts('db'), service({ selector: { app: 'cache' } })),
      'does not select',
      'warning',
    ],
  ])('fires for %s', (_, e, why, severity) => {
    const [f] = check.run(e);

    expect(f?.title).toContain(why);
    expect(f?.severity).toBe(severity);
  });

  it('fixes the selector in place when the Service exists and is headless', () => {
    const [f] = check.run(owning(sts('db'), service({ selector: { app: 'cache' } })));

    expect(f?.remedies[0]?.commands).toEqual([
      `kubectl -n data patch service db --type=json -p '[{"op":"replace","path":"/spec/selector","value":{"app":"db"}}]'`,
    ]);
  });

  it('says nothing on a healthy cluster', () => {
    expect(check.run(healthyEvidence())).toEqual([]);
  });

  it.each([
    ['the asked name matches a consistent StatefulSet', asking(service(), sts('db'))],
    ['the client is a consistent StatefulSet pod', owning(sts('db'), service())],
    [
      'the selector uses a label the pod carries',
      owning(sts('db'), service({ selector: { tier: 'data' } }), { app: 'db', tier: 'data' }),
    ],
  ])('does not fire when %s', (_, e) => {
    expect(check.run(e)).toEqual([]);
  });

  it.each([
    ['unseen', { askedName: unseen('statefulsets is forbidden'), clientOwner: unseen('pods is forbidden') }],
    ['absent', { askedName: undefined, clientOwner: undefined, clientPod: undefined }],
  ])('stays quiet when the evidence is %s', (_, over) => {
    expect(check.run({ ...asking(service(), sts('db-hl')), ...over })).toEqual([]);
  });
});
