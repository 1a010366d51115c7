/**
 * The probe pod: short-lived, pinned to one node, in dnsmedic's own probe namespace, running the
 * project's image as `dnsmedic probe --spec <json>`. Least privilege: no service account token,
 * no capabilities, non-root, read-only root filesystem; every taint tolerated (a node under
 * pressure is exactly where DNS fails); an activeDeadlineSeconds so a leftover stops by itself.
 */
import type { Pod } from '../../playbooks/model/k8s.js';
import type { ProbeSpec } from '../probe/spec.js';

export const PROBE_LABELS = {
  'app.kubernetes.io/name': 'dnsmedic-probe',
  'app.kubernetes.io/managed-by': 'dnsmedic',
} as const;
/** `kubectl -n <ns> delete pods -l <this>` collects any leftovers. */
export const PROBE_SELECTOR = 'app.kubernetes.io/name=dnsmedic-probe';
export const DEFAULT_PROBE_NAMESPACE = 'dnsmedic-probes';
export const DEFAULT_PROBE_IMAGE = 'ghcr.io/dnsmedic/dnsmedic:0.1.0';

export interface ProbePodSettings {
  namespace: string;
  image: string;
  /** The pod's own hard limit (activeDeadlineSeconds). */
  deadlineSeconds: number;
  /** A hostNetwork client gets a hostNetwork probe only when allowed (Pod Security may refuse it). */
  allowHostNetwork: boolean;
}

export interface ProbePodInput {
  /** `node`: the opt-in privileged hostNetwork probe that reads the node's conntrack and kernel log. */
  side: 'client' | 'coredns' | 'node';
  node: string;
  spec: ProbeSpec;
  /** Client side: the pod whose DNS settings the probe copies. */
  client?: Pod;
  /** Ties the pod to one diagnosis, for logs and cleanup; unique (random) per diagnosis. */
  runId: string;
}

export function probePodManifest(input: ProbePodInput, settings: ProbePodSettings): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      // Named by us, not generateName: if the create's answer is lost, we still know what to delete.
      name: `dnsmedic-probe-${input.side}-${input.runId}`,
      namespace: settings.namespace,
      labels: { ...PROBE_LABELS, 'dnsmedic.io/side': input.side, 'dnsmedic.io/run': input.runId },
      ...(input.client
        ? {
            annotations: {
              'dnsmedic.io/for': `${input.client.metadata.namespace ?? 'default'}/${input.client.metadata.name}`,
            },
          }
        : {}),
    },
    spec: {
      nodeName: input.node,
      restartPolicy: 'Never',
      activeDeadlineSeconds: settings.deadlineSeconds,
      terminationGracePeriodSeconds: 0,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      tolerations: [{ operator: 'Exists' }],
      ...dnsSettings(input, settings),
      securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'probe',
          image: settings.image,
          args: ['probe', '--spec', JSON.stringify(input.spec)],
          resources: {
            requests: { cpu: '10m', memory: '32Mi' },
            limits: { cpu: '200m', memory: '128Mi' },
          },
          securityContext: input.side === 'node' ? NODE_PROBE_SECURITY : PROBE_SECURITY,
        },
      ],
    },
  };
}

const PROBE_SECURITY = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};
/** /dev/kmsg needs CAP_SYSLOG and the host's /proc/sys/net: privileged, root, host network. Opt-in. */
const NODE_PROBE_SECURITY = {
  privileged: true,
  runAsUser: 0,
  runAsNonRoot: false,
  readOnlyRootFilesystem: true,
};

/**
 * Client side: the client's dnsPolicy and dnsConfig, so the kubelet writes the resolv.conf it
 * wrote for the client (only the namespace search entry differs). CoreDNS side: Default, the
 * node's own resolvers, which is what `forward . /etc/resolv.conf` uses.
 */
function dnsSettings(input: ProbePodInput, settings: ProbePodSettings): object {
  if (input.side === 'node') return { hostNetwork: true, dnsPolicy: 'Default' };
  if (input.side === 'coredns' || !input.client) return { dnsPolicy: 'Default' };
  const spec = input.client.spec;
  const policy = spec.dnsPolicy ?? 'ClusterFirst';
  if (spec.hostNetwork && settings.allowHostNetwork) {
    return { hostNetwork: true, dnsPolicy: policy, ...(spec.dnsConfig ? { dnsConfig: spec.dnsConfig } : {}) };
  }
  // In the pod network, the policy that makes the kubelet write what it wrote for a hostNetwork
  // client: ClusterFirst on the host network falls back to Default; WithHostNet means ClusterFirst.
  const effective = spec.hostNetwork
    ? policy === 'ClusterFirst'
      ? 'Default'
      : policy === 'ClusterFirstWithHostNet'
        ? 'ClusterFirst'
        : policy
    : policy;
  return { dnsPolicy: effective, ...(spec.dnsConfig ? { dnsConfig: spec.dnsConfig } : {}) };
}
