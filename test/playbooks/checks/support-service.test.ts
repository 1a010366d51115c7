import { describe, expect, it } from 'vitest';
import {
  clip,
  instanceId,
  isSearchExpansion,
  shq,
  splitServer,
  splitServiceName,
  toSecond,
  workloadOf,
} from '../../../playbooks/checks/support-service.js';
import { healthyEvidence, node, pod } from '../../fixtures/evidence.js';

describe('support-service', () => {
  it.each([
    ['db.data.svc.cluster.local', { service: 'db', namespace: 'data' }],
    ['db-0.db.data.svc.cluster.local.', { host: 'db-0', service: 'db', namespace: 'data' }],
    ['db.data.svc.corp.internal', { service: 'db', namespace: 'data' }],
    ['redis', { service: 'redis' }],
    ['10-244-1-5.shop.pod.cluster.local', undefined],
    ['a.b.c.d.e', undefined],
  ])('splits %s', (name, parts) => {
    expect(splitServiceName(name, 'cluster.local')).toEqual(parts);
  });

  it.each([
    ['api.example.net.shop.svc.cluster.local', true],
    ['api.example.net.ec2.internal.', true],
    ['api.example.net.eu-west-1.compute.internal', true],
    ['api.example.net', false],
  ])('classifies %s as a search expansion: %s', (name, expected) => {
    expect(isSearchExpansion(healthyEvidence(), name)).toBe(expected);
  });

  it.each([
    ['aws:///eu-west-1a/i-0bbb2222', 'i-0bbb2222'],
    ['cn-hangzhou.i-bp1abc', 'i-bp1abc'],
    ['gce://my-project/europe-west1-b/gke-node-1', 'gke-node-1'],
  ])('reads the instance id of %s', (providerID, id) => {
    const n = node('node-b', 'x');
    n.spec = { providerID };
    expect(instanceId(n)).toBe(id);
  });

  it('quotes shell words that are not plain', () => {
    expect(shq('api.example.net')).toBe('api.example.net');
    expect(shq("$(rm -rf /)'x")).toBe(`'$(rm -rf /)'\\''x'`);
  });

  it('keeps excerpts on one line, short', () => {
    const text = clip(`a\nb\u001b[31m${'x'.repeat(500)}`);
    expect(text).toMatch(/^a b \[31mx+\.\.\.$/);
    expect(text.length).toBe(300);
  });

  it.each([
    ['10.0.0.2:53', { host: '10.0.0.2', port: '53' }],
    ['[fd00::5]:5353', { host: 'fd00::5', port: '5353' }],
    ['10.0.0.2', { host: '10.0.0.2', port: '53' }],
  ])('splits server %s', (server, parts) => {
    expect(splitServer(server)).toEqual(parts);
  });

  it('trims times to the second and names the owning Deployment', () => {
    expect(toSecond('2026-11-26T09:58:03.123456Z')).toBe('2026-11-26T09:58:03Z');
    const p = pod('web-7d9f8c6b5-x2x2x', 'shop', 'node-a');
    p.metadata.ownerReferences = [{ kind: 'ReplicaSet', name: 'web-7d9f8c6b5', controller: true }];
    expect(workloadOf(p)).toBe('deployment/web');
    expect(workloadOf(pod('loose', 'shop', 'node-a'))).toBeUndefined();
  });
});
