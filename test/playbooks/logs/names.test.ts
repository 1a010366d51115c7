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

  // The scanner compares a suffix of up to 16 bytes in one vector and a longer one byte by byte.
  it.each([
    ['abcdefghij.com', 15],
    ['abcdefghijk.com', 16],
    ['abcdefghijkl.com', 17],
    ['k8s.prod.corp.example.com', 26],
  ])('classifies names under the %s domain (a %i-byte suffix with its dots)', (domain) => {
    expect(classifyName(`shop.prod.svc.${domain}.`, domain)).toBe('cluster');
    expect(classifyName(`SHOP.Prod.SVC.${domain.toUpperCase()}.`, domain)).toBe('cluster');
    expect(classifyName(`api.example.net.prod.svc.${domain}.`, domain)).toBe('search-expansion');
    expect(classifyName(`${domain}.`, domain)).toBe('cluster');
    expect(classifyName(`shop.prod.svc.x${domain.slice(1)}.`, domain)).toBe('external');
    expect(classifyName(`shop.prod.svc.cluster.local.`, domain)).toBe('external');
    expect(classifyName('a.b.', domain)).toBe('external');
  });
});
