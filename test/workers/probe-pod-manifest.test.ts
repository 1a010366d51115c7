import { describe, expect, it } from 'vitest';
import type { Pod } from '../../playbooks/model/k8s.js';
import { PROBE_SPEC_VERSION, type ProbeSpec, parseProbeSpec } from '../../workers/probe/spec.js';
import { type ProbePodSettings, probePodManifest } from '../../workers/probe-pod/manifest.js';

const settings: ProbePodSettings = {
  namespace: 'dnsmedic-probes',
  image: 'dnsmedic:1',
  deadlineSeconds: 90,
  allowHostNetwork: false,
};
const spec: ProbeSpec = { version: PROBE_SPEC_VERSION, count: 20, timeoutMs: 2000, series: [] };
const client = (extra: Partial<Pod['spec']> = {}): Pod => ({
  metadata: { name: 'web-1', namespace: 'shop' },
  spec: { nodeName: 'node-a', containers: [{ name: 'web' }], ...extra },
});

type Manifest = {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string>; namespace: string };
  spec: Record<string, unknown> & {
    containers: { args: string[]; securityContext: Record<string, unknown> }[];
  };
};
const build = (c: Pod | undefined, side: 'client' | 'coredns' = 'client', s = settings) =>
  probePodManifest({ side, node: 'node-a', spec, runId: 'r1', ...(c ? { client: c } : {}) }, s) as Manifest;

describe('probePodManifest', () => {
  it('is pinned, short-lived, tolerant of every taint and without privileges or a token', () => {
    const m = build(client());
    expect(m.metadata.namespace).toBe('dnsmedic-probes');
    expect(m.metadata.labels).toMatchObject({
      'app.kubernetes.io/name': 'dnsmedic-probe',
      'dnsmedic.io/run': 'r1',
    });
    expect(m.metadata.annotations).toEqual({ 'dnsmedic.io/for': 'shop/web-1' });
    expect(m.spec).toMatchObject({
      nodeName: 'node-a',
      restartPolicy: 'Never',
      activeDeadlineSeconds: 90,
      automountServiceAccountToken: false,
      tolerations: [{ operator: 'Exists' }],
    });
    expect(m.spec.containers[0]?.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
  });

  it('runs `dnsmedic probe --spec` with a spec the probe accepts', () => {
    const args = build(client()).spec.containers[0]?.args ?? [];
    expect(args.slice(0, 2)).toEqual(['probe', '--spec']);
    expect(parseProbeSpec(args[2] ?? '')).toEqual(spec);
  });

  it("copies the client's dnsPolicy and dnsConfig", () => {
    const dnsConfig = { nameservers: ['10.0.0.53'], options: [{ name: 'ndots', value: '2' }] };
    const m = build(client({ dnsPolicy: 'None', dnsConfig }));
    expect(m.spec).toMatchObject({ dnsPolicy: 'None', dnsConfig });
    expect(m.spec.hostNetwork).toBeUndefined();
  });

  it.each([
    ['ClusterFirst', 'Default'],
    ['ClusterFirstWithHostNet', 'ClusterFirst'],
    ['Default', 'Default'],
  ] as const)(
    'a hostNetwork client with %s gets a pod-network probe with %s (the same resolv.conf)',
    (policy, expected) => {
      const m = build(client({ hostNetwork: true, dnsPolicy: policy }));
      expect(m.spec.hostNetwork).toBeUndefined();
      expect(m.spec.dnsPolicy).toBe(expected);
    },
  );

  it('a hostNetwork probe only when allowed', () => {
    const m = build(client({ hostNetwork: true, dnsPolicy: 'ClusterFirst' }), 'client', {
      ...settings,
      allowHostNetwork: true,
    });
    expect(m.spec).toMatchObject({ hostNetwork: true, dnsPolicy: 'ClusterFirst' });
  });

  it("the CoreDNS side uses the node's resolvers (dnsPolicy Default)", () => {
    const m = build(undefined, 'coredns');
    expect(m.spec.dnsPolicy).toBe('Default');
    expect(m.metadata.labels['dnsmedic.io/side']).toBe('coredns');
  });
});
