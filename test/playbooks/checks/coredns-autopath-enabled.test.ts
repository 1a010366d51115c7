import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/coredns-autopath-enabled.js';
import type { FailedName } from '../../../playbooks/logs/summary-types.js';
import type { Evidence } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import {
  emptyLogSummary,
  healthyEvidence,
  KUBEADM_COREFILE_TEXT,
  kubeadmCorefile,
  pod,
  probe,
} from '../../fixtures/evidence.js';

/** The kubeadm Corefile plus `autopath @kubernetes` on line 11, with `pods` set as given. */
function withAutopath(podsMode: string, base = healthyEvidence()): Evidence {
  const parsed = kubeadmCorefile();
  const server = parsed.servers[0];
  const kubernetes = server?.directives.find((d) => d.name === 'kubernetes');
  const pods = kubernetes?.block.find((d) => d.name === 'pods');
  if (pods) pods.args = [podsMode];
  server?.directives.push({ name: 'autopath', args: ['@kubernetes'], block: [], line: 11 });
  return { ...base, corefile: seen({ text: KUBEADM_COREFILE_TEXT, parsed, source: 'kube-system/coredns' }) };
}

function externalFailure(rcode: FailedName['rcode']): FailedName {
  return {
    name: 'api.example.net.',
    rcode,
    nameClass: 'external',
    count: 9,
    authoritative: false,
    sample: `[INFO] 10.8.2.3:50110 - 771 "A IN api.example.net. udp 33 false 512" ${rcode} qr,rd 33 0.002203s`,
  };
}

describe('coredns.autopath-enabled', () => {
  it('warns with the autopath line and the `pods insecure` that breaks it, and deletes the line', () => {
    const [f, ...rest] = check.run(withAutopath('insecure'));

    expect(rest).toEqual([]);
    expect(f?.checkId).toBe('coredns.autopath-enabled');
    expect(f?.severity).toBe('warning');
    expect(f?.title).toBe('autopath is enabled in ConfigMap kube-system/coredns (Corefile line 11)');
    expect(f?.evidence[0]).toEqual({
      source: 'Corefile line 11 (ConfigMap kube-system/coredns)',
      text: 'autopath @kubernetes',
    });
    expect(f?.evidence).toContainEqual({
      source: 'Corefile line 8 (ConfigMap kube-system/coredns)',
      text: 'pods insecure',
    });
    expect(f?.remedies[0]?.commands[0]).toBe(
      "kubectl -n kube-system get configmap coredns -o yaml | sed '/^\\s*autopath\\b/d' | kubectl apply -f -",
    );
    expect(f?.weight).toBe(0.5);
  });

  it('is a low-weight warning with `pods verified` and no symptom', () => {
    const [f] = check.run(withAutopath('verified'));
    expect(f?.severity).toBe('warning');
    expect(f?.weight).toBe(0.3);
  });

  it('is critical behind NodeLocal DNSCache while external probes fail', () => {
    const base: Evidence = {
      ...healthyEvidence(),
      nodeLocal: seen({ deployed: true, localIp: '169.254.20.10' }),
      clientProbes: seen({
        where: 'probe-pod',
        results: [
          probe({
            hop: 'dns-service',
            server: '10.96.0.10:53',
            name: 'example.com',
            rcodes: { NOERROR: 17, SERVFAIL: 3 },
          }),
        ],
      }),
    };
    const [f] = check.run(withAutopath('verified', base));

    expect(f?.severity).toBe('critical');
    expect(
      f?.evidence.some((x) => x.source === 'NodeLocal DNSCache' && x.text.includes('169.254.20.10')),
    ).toBe(true);
    expect(f?.evidence.some((x) => x.text.includes('3 SERVFAIL'))).toBe(true);
    expect(f?.weight).toBe(0.7);
  });

  it.each([
    [
      'a hostNetwork client',
      { clientPod: seen(pod('agent-x1', 'shop', 'node-a', { hostNetwork: true })) },
      0.5,
    ],
    [
      'SERVFAIL for external names in the query log',
      { corednsLogs: seen(emptyLogSummary({ failedNames: [externalFailure('SERVFAIL')] })) },
      0.7,
    ],
    [
      'only NXDOMAIN for external names (no symptom)',
      { corednsLogs: seen(emptyLogSummary({ failedNames: [externalFailure('NXDOMAIN')] })) },
      0.3,
    ],
  ])('weighs %s', (_, over, weight) => {
    const [f] = check.run(withAutopath('verified', { ...healthyEvidence(), ...over }));
    expect(f?.weight).toBe(weight);
  });

  it('says nothing on a healthy cluster (no autopath in the default Corefile)', () => {
    expect(check.run(healthyEvidence())).toEqual([]);
  });

  it.each([
    ['unseen', unseen('configmaps is forbidden')],
    ['absent', undefined],
  ])('stays quiet when the Corefile is %s', (_, corefile) => {
    expect(check.run({ ...healthyEvidence(), corefile } as Evidence)).toEqual([]);
  });
});
