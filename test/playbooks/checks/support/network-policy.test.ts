import { describe, expect, it } from 'vitest';
import {
  type DnsPath,
  describeEgress,
  dnsPaths,
  dnsPortNames,
  egressAllows,
  restrictsEgress,
} from '../../../../playbooks/checks/support/network-policy.js';
import type { NetworkPolicy } from '../../../../playbooks/model/k8s.js';
import { healthyEvidence } from '../../../fixtures/evidence.js';

const PATH: DnsPath = {
  label: '10.96.0.10 (Service kube-system/kube-dns)',
  ips: ['10.96.0.10', '10.244.2.3'],
  pods: [{ namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }],
};

function policy(egress: NonNullable<NetworkPolicy['spec']['egress']>): NetworkPolicy {
  return {
    metadata: { name: 'deny', namespace: 'shop' },
    spec: { podSelector: {}, policyTypes: ['Egress'], egress },
  };
}

describe('support/network-policy', () => {
  it('follows the nameservers the kubelet wrote to the CoreDNS pods behind the Service', () => {
    const [path, ...rest] = dnsPaths(healthyEvidence());
    expect(rest).toEqual([]);
    expect(path?.label).toBe('10.96.0.10 (Service kube-system/kube-dns)');
    expect(path?.ips).toEqual(['10.96.0.10', '10.244.2.3', '10.244.3.4']);
  });

  it('allows DNS through a rule naming port 53, a DNS port name, or an ipBlock around the pods', () => {
    const names = dnsPortNames(healthyEvidence());
    const byPort = policy([{ ports: [{ protocol: 'UDP', port: 53 }] }]);
    const byName = policy([{ ports: [{ protocol: 'TCP', port: 'dns-tcp' }] }]);
    const byBlock = policy([{ to: [{ ipBlock: { cidr: '10.244.0.0/16' } }] }]);

    expect(egressAllows([byPort], PATH, 'UDP', names, 'shop')).toBe(true);
    expect(egressAllows([byPort], PATH, 'TCP', names, 'shop')).toBe(false);
    expect(egressAllows([byName], PATH, 'TCP', names, 'shop')).toBe(true);
    expect(egressAllows([byBlock], PATH, 'UDP', names, 'shop')).toBe(true);
  });

  it('blocks DNS when no rule reaches the DNS pods', () => {
    const names = dnsPortNames(healthyEvidence());
    const web = policy([{ to: [{ ipBlock: { cidr: '192.0.2.0/24' } }], ports: [{ port: 443 }] }]);
    const otherNs = policy([{ to: [{ podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }] }]);

    expect(egressAllows([web], PATH, 'UDP', names, 'shop')).toBe(false);
    expect(egressAllows([otherNs], PATH, 'UDP', names, 'shop')).toBe(false);
  });

  it('knows which policies restrict egress, and describes them short', () => {
    expect(restrictsEgress(policy([]))).toBe(true);
    expect(
      restrictsEgress({ metadata: { name: 'in' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } }),
    ).toBe(false);
    expect(describeEgress(policy([]))).toBe('policyTypes Egress with no egress rule: all egress denied');
    expect(
      describeEgress(policy([{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ port: 443 }] }])),
    ).toBe('egress[0]: to ipBlock 10.0.0.0/8; ports TCP/443');
  });
});
