import { describe, expect, it } from 'vitest';
import {
  awsInstanceId,
  clientNamespace,
  clientNodeName,
  corednsContainerName,
  corednsDeploymentName,
  corednsInstanceIds,
  corednsNode,
  corefileConfigMap,
  dnsNamespace,
  dnsPodLabels,
  dnsPodSelector,
  dnsServiceName,
  instanceId,
  normName,
  probeNodeName,
  workloadOf,
} from '../../../../playbooks/checks/support/names.js';
import type { Evidence } from '../../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../../playbooks/model/gathered.js';
import { dnsService, healthyEvidence, node, pod } from '../../../fixtures/evidence.js';

function withDnsService(
  over: Partial<ReturnType<typeof dnsService>['metadata']>,
  selector?: Record<string, string>,
) {
  const e = healthyEvidence();
  const service = dnsService();
  service.metadata = { ...service.metadata, ...over };
  if (selector) service.spec.selector = selector;
  e.clusterDns = seen({ service, ip: '10.96.0.10', clusterDomain: 'cluster.local', provider: 'coredns' });
  return e;
}

describe('support/names', () => {
  it('compares DNS names without case, spaces or the trailing dot', () => {
    expect(normName(' API.example.net. ')).toBe('api.example.net');
  });

  it('reads the CoreDNS names of a healthy cluster', () => {
    const e = healthyEvidence();

    expect(dnsNamespace(e)).toBe('kube-system');
    expect(dnsServiceName(e)).toBe('kube-dns');
    expect(corednsDeploymentName(e)).toBe('coredns');
    expect(corefileConfigMap(e)).toEqual({ namespace: 'kube-system', name: 'coredns' });
    expect(corednsContainerName(e)).toBe('coredns');
    expect(dnsPodSelector(e)).toBe('k8s-app=kube-dns');
  });

  it('finds the namespace from the other CoreDNS objects when the DNS Service is unseen', () => {
    const e: Evidence = { ...healthyEvidence(), clusterDns: unseen('forbidden') };
    e.corednsDeployment = seen({ metadata: { name: 'dns', namespace: 'dns-system' }, spec: { replicas: 2 } });

    expect(dnsNamespace(e)).toBe('dns-system');
    expect(corednsDeploymentName(e)).toBe('dns');
  });

  it('refuses names that are not Kubernetes names in favour of the defaults', () => {
    const e = withDnsService({ namespace: 'kube system', name: 'kube-dns;reboot' }, { 'k8s-app': 'x y' });
    e.corednsDeployment = seen({ metadata: { name: '$(reboot)', namespace: 'kube-system' } });
    e.corefile = seen({
      text: '',
      parsed: { servers: [], imports: [], problems: [] },
      source: 'Kube/Core DNS',
    });

    expect(dnsNamespace(e)).toBe('kube-system');
    expect(dnsServiceName(e)).toBe('kube-dns');
    expect(corednsDeploymentName(e)).toBe('coredns');
    expect(corefileConfigMap(e)).toEqual({ namespace: 'kube-system', name: 'coredns' });
    expect(dnsPodLabels(e)).toEqual({ 'k8s-app': 'kube-dns' });
  });

  it('keeps the safe labels of a custom DNS selector', () => {
    const e = withDnsService({}, { 'app.kubernetes.io/name': 'coredns', evil: '$(x)' });
    expect(dnsPodSelector(e)).toBe('app.kubernetes.io/name=coredns');
  });

  it("takes the client's node from its pod, and the probes' node from where they ran", () => {
    const e = healthyEvidence();
    e.clientProbes = seen({ where: 'probe-pod', node: 'node-z', results: [] });

    expect(clientNodeName(e)).toBe('node-a');
    expect(probeNodeName(e)).toBe('node-z');
    expect(clientNamespace(e)).toBe('shop');
  });

  it('falls back to the target, and refuses invalid node names', () => {
    const e: Evidence = {
      ...healthyEvidence(),
      target: { node: 'Bad Node' },
      clientPod: undefined,
      clientNode: undefined,
      clientProbes: undefined,
    };
    expect(clientNodeName(e)).toBeUndefined();
    expect(probeNodeName(e)).toBeUndefined();
    expect(clientNamespace(e)).toBe('default');
    expect(clientNodeName({ ...e, target: { node: 'node-q' } })).toBe('node-q');
  });

  it("names a CoreDNS node: the logging pod's, else where the side probes ran, else any", () => {
    const e = healthyEvidence();
    expect(corednsNode(e, 'coredns-5d78c9869d-fghij')).toBe('node-c');
    expect(corednsNode(e)).toBe('node-b');
    expect(corednsNode({ ...e, corednsSideProbes: undefined, corednsPods: undefined })).toBe('node-b');
    expect(
      corednsNode({ ...e, corednsSideProbes: undefined, corednsPods: undefined, corednsNodes: undefined }),
    ).toBeUndefined();
  });

  it.each([
    ['aws:///eu-west-1a/i-0bbb2222', 'i-0bbb2222', 'i-0bbb2222'],
    ['cn-hangzhou.i-bp1abc', 'i-bp1abc', undefined],
    ['gce://my-project/europe-west1-b/gke-node-1', 'gke-node-1', undefined],
    ['aws:///eu-west-1a/$(reboot)', '$(reboot)', undefined],
  ])('reads the instance id of %s', (providerID, id, aws) => {
    const n = node('node-b', 'x');
    n.spec = { providerID };
    expect(instanceId(n)).toBe(id);
    expect(awsInstanceId(n)).toBe(aws);
  });

  it('has no instance id without a providerID; the ticket then names the nodes', () => {
    const n = node('node-b', 'x');
    n.spec = {};
    expect(instanceId(n)).toBeUndefined();
    expect(corednsInstanceIds({ ...healthyEvidence(), corednsNodes: seen([n]) })).toEqual(['node-b']);
    expect(corednsInstanceIds(healthyEvidence())).toEqual(['i-0bbb2222', 'i-0ccc3333']);
    expect(corednsInstanceIds({ ...healthyEvidence(), corednsNodes: undefined })).toEqual([
      'node-b',
      'node-c',
    ]);
  });

  it('names the owning Deployment through the pod-template-hash, and nothing for bare pods or Jobs', () => {
    const p = pod('web-7d9f8c6b5-x2x2x', 'shop', 'node-a');
    p.metadata.ownerReferences = [{ kind: 'ReplicaSet', name: 'web-7d9f8c6b5', controller: true }];
    p.metadata.labels = { app: 'web', 'pod-template-hash': '7d9f8c6b5' };
    expect(workloadOf(p)).toEqual({ kind: 'deployment', name: 'web' });

    const bareRs = pod('cache-abcde', 'shop', 'node-a');
    bareRs.metadata.ownerReferences = [{ kind: 'ReplicaSet', name: 'cache', controller: true }];
    expect(workloadOf(bareRs)).toEqual({ kind: 'replicaset', name: 'cache' });

    const job = pod('migrate-x', 'shop', 'node-a');
    job.metadata.ownerReferences = [{ kind: 'Job', name: 'migrate', controller: true }];
    expect(workloadOf(job)).toBeUndefined();
    expect(workloadOf(pod('loose', 'shop', 'node-a'))).toBeUndefined();
  });
});
