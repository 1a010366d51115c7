import { describe, expect, it } from 'vitest';
import {
  composeDns,
  dnsPolicyOf,
  kubeletSearchLimits,
  trimSearch,
} from '../../../../playbooks/checks/support/kubelet-dns.js';
import { healthyEvidence, node, pod } from '../../../fixtures/evidence.js';

describe('support/kubelet-dns', () => {
  it('composes a ClusterFirst pod: cluster DNS and the cluster search list, dnsConfig appended', () => {
    const p = pod('web', 'shop', 'node-a', {
      dnsConfig: { nameservers: ['10.0.0.2'], searches: ['corp.example'] },
    });

    expect(dnsPolicyOf(p)).toBe('ClusterFirst');
    expect(composeDns(p, healthyEvidence())).toEqual({
      nameservers: ['10.96.0.10', '10.0.0.2'],
      search: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example'],
      auto: {
        nameservers: ['10.96.0.10'],
        search: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
      },
    });
    expect(composeDns(p, { ...healthyEvidence(), clusterDns: undefined })).toBeUndefined();
  });

  it('knows the limits of the kubelet version and trims like it does', () => {
    const old = node('node-a', 'i-1');
    old.status = { nodeInfo: { kubeletVersion: 'v1.25.9' } };
    expect(kubeletSearchLimits(old)).toEqual({ paths: 6, chars: 256, era: 'kubelet 1.25' });
    // ExpandedDNSConfig is on by default from 1.26 (beta), before its GA in 1.28.
    old.status = { nodeInfo: { kubeletVersion: 'v1.27.3' } };
    expect(kubeletSearchLimits(old)).toEqual({ paths: 32, chars: 2048, era: 'kubelet 1.27' });
    expect(kubeletSearchLimits(node('node-a', 'i-1'))).toEqual({
      paths: 32,
      chars: 2048,
      era: 'kubelet 1.30',
    });
    expect(kubeletSearchLimits(undefined).era).toBe('kubelet version unseen');

    const search = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    expect(trimSearch(search, { paths: 6, chars: 256 })).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(trimSearch(search, { paths: 32, chars: 5 })).toEqual(['a', 'b', 'c']);
  });
});
