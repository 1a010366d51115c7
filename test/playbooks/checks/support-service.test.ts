import { describe, expect, it } from 'vitest';
import { isSearchExpansion, splitServiceName } from '../../../playbooks/checks/support-service.js';
import { healthyEvidence } from '../../fixtures/evidence.js';

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
});
