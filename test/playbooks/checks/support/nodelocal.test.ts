import { describe, expect, it } from 'vitest';
import {
  CONVENTIONAL_NODELOCAL_IPS,
  clusterDnsIps,
  clusterResolverIps,
  NODELOCAL_IP,
  nodeLocalBindsClusterIp,
  nodeLocalDaemonSet,
  nodeLocalInstall,
  nodeLocalIps,
  nodeLocalRemedy,
} from '../../../../playbooks/checks/support/nodelocal.js';
import { seen } from '../../../../playbooks/model/gathered.js';
import { healthyEvidence } from '../../../fixtures/evidence.js';

const DNS = { ip: '10.96.0.10', clusterDomain: 'cluster.local.' };

describe('support/nodelocal', () => {
  it('lists the addresses that reach cluster DNS', () => {
    const e = healthyEvidence();
    expect(clusterDnsIps(e)).toEqual(['10.96.0.10']);
    expect(nodeLocalIps(e)).toEqual([...CONVENTIONAL_NODELOCAL_IPS]);
    expect(clusterResolverIps(e)).toEqual(['10.96.0.10', NODELOCAL_IP, '169.254.25.10']);
    expect(nodeLocalIps({ ...e, nodeLocal: seen({ deployed: true, localIp: '169.254.0.53' }) })).toEqual([
      '169.254.0.53',
    ]);
    expect(clusterDnsIps({ ...e, clusterDns: undefined })).toEqual([]);
  });

  it("names node-cache's DaemonSet, the upstream manifest's when unseen", () => {
    expect(nodeLocalDaemonSet(healthyEvidence())).toEqual({
      namespace: 'kube-system',
      name: 'node-local-dns',
    });
  });

  it('tells whether node-cache binds the cluster DNS IP: the fact, else IPVS mode means no', () => {
    const e = healthyEvidence();
    expect(
      nodeLocalBindsClusterIp({ ...e, nodeLocal: seen({ deployed: true, bindsClusterIp: true }) }),
    ).toEqual({
      binds: true,
      why: 'node-cache listen addresses',
    });
    const ipvs = { ...e, kubeProxy: seen({ runsKubeProxy: true, mode: 'ipvs' as const }) };
    expect(nodeLocalBindsClusterIp({ ...ipvs, nodeLocal: seen({ deployed: true }) })?.binds).toBe(false);
    expect(nodeLocalBindsClusterIp({ ...e, nodeLocal: seen({ deployed: true }) })).toBeUndefined();
  });

  it('fills in the upstream manifest for iptables and for IPVS mode', () => {
    const [curl, iptables, create] = nodeLocalInstall(DNS, false);
    expect(curl).toMatch(
      /^curl -fsSLo nodelocaldns.yaml https:\/\/raw.githubusercontent.com\/.*nodelocaldns.yaml$/,
    );
    expect(iptables).toBe(
      "sed -i 's/__PILLAR__LOCAL__DNS__/169.254.20.10/g; s/__PILLAR__DNS__DOMAIN__/cluster.local/g; s/__PILLAR__DNS__SERVER__/10.96.0.10/g' nodelocaldns.yaml",
    );
    expect(create).toBe('kubectl create -f nodelocaldns.yaml');
    expect(nodeLocalInstall(DNS, true)[1]).toContain(
      's/,__PILLAR__DNS__SERVER__//g; s/__PILLAR__CLUSTER__DNS__/10.96.0.10/g',
    );
  });

  it.each([
    ['a non-IPv4 address', { ip: 'fd00::a', clusterDomain: 'cluster.local' }],
    ['shell text in the IP', { ip: "10.96.0.10'; reboot; '", clusterDomain: 'cluster.local' }],
    ['shell text in the domain', { ip: '10.96.0.10', clusterDomain: 'cluster.local/g; e reboot' }],
  ])('gives no install commands for %s', (_case, dns) => {
    expect(nodeLocalInstall(dns, false)).toEqual([]);
  });

  it('offers the install only when NodeLocal is not deployed yet', () => {
    const e = healthyEvidence();
    expect(nodeLocalRemedy(e)?.commands).toHaveLength(3);
    expect(nodeLocalRemedy({ ...e, nodeLocal: seen({ deployed: true }) })).toBeUndefined();
    expect(nodeLocalRemedy({ ...e, clusterDns: undefined })).toBeUndefined();
  });
});
