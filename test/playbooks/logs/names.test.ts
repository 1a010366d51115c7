import { describe, expect, it } from 'vitest';
import { classifyName } from '../../../playbooks/logs/scanner.js';

describe('classifyName', () => {
  it.each([
    ['shop.prod.svc.cluster.local.', 'cluster'],
    ['web-0.db.prod.svc.cluster.local.', 'cluster'],
    ['_grpc._tcp.api.prod.svc.cluster.local.', 'cluster'],
    ['10-8-1-7.prod.pod.cluster.local.', 'cluster'],
    ['cluster.local.', 'cluster'],
    ['SHOP.Prod.svc.Cluster.Local.', 'cluster'],
    ['shop.dev.svc.cluster.local.', 'cluster'],
    ['api.example.net.prod.svc.cluster.local.', 'search-expansion'],
    ['example.com.prod.svc.cluster.local.', 'search-expansion'],
    ['api.example.net.svc.cluster.local.', 'search-expansion'],
    ['api.example.net.cluster.local.', 'search-expansion'],
    ['prod.svc.cluster.local.', 'search-expansion'],
    ['.svc.cluster.local.', 'search-expansion'],
    ['redis.cluster.local.', 'search-expansion'],
    ['api.example.net.ec2.internal.', 'search-expansion'],
    ['api.example.net.eu-west-1.compute.internal.', 'search-expansion'],
    ['api.example.net.', 'external'],
    ['www.aliyun.com.', 'external'],
  ])('%s is %s', (name, expected) => {
    expect(classifyName(name, 'cluster.local')).toBe(expected);
  });

  it('uses the given cluster domain, not cluster.local', () => {
    expect(classifyName('shop.prod.svc.corp.example.', 'corp.example')).toBe('cluster');
    expect(classifyName('shop.prod.svc.cluster.local.', 'corp.example')).toBe('external');
  });
});
