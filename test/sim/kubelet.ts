/**
 * The simulator's kubelet, for dnsmedic's probe pods only: a probe pod created through the API
 * stand-in runs the real probe code (`runProbeSpec`, what `dnsmedic probe --spec` runs) against
 * the scenario's DNS servers through the address map, with the resolv.conf a kubelet would write
 * for it; its report becomes the pod's log and the pod ends Succeeded, as on a real node. The
 * scenario's `probePods` makes it refuse, hang or be rejected instead. Other pods stay Pending.
 */
import { setMaxListeners } from 'node:events';
import { parse as parseYaml } from 'yaml';
import type { Pod } from '../../playbooks/model/k8s.js';
import { kubeletResolvConf } from '../../playbooks/parsers/kubelet-dns.js';
import { formatResolvConf, parseResolvConf } from '../../playbooks/parsers/resolv-conf.js';
import { mapDialer } from '../../workers/probe/dialer.js';
import { kmsgMessage, type NodeReading } from '../../workers/probe/node-reading.js';
import { runProbeSpec } from '../../workers/probe/run-spec.js';
import { formatReport, parseProbeSpec } from '../../workers/probe/spec.js';
import { parseServer, type ServerAddress } from '../../workers/probe/validate.js';
import { PROBE_LABELS } from '../../workers/probe-pod/manifest.js';
import { rfc3339Nano } from './apiserver/logs.js';
import type { Registry, ResourceType } from './apiserver/registry.js';
import { failure, type Status } from './apiserver/status.js';
import { keyOf, type Obj, type Store } from './apiserver/store.js';
import type { AddressMap } from './dns/index.js';
import { kubernetesServiceAddress } from './scenario/api-server.js';
import type { Scenario } from './scenario/types.js';

export class SimKubelet {
  readonly #running = new Map<string, AbortController>();

  constructor(
    private readonly scenario: Scenario,
    private readonly registry: Registry,
    private readonly store: Store,
    /** Pod logs by `<ns>/<pod>/<container>`: the scenario's, plus what probe pods print. */
    private readonly logs: Record<string, string>,
    private readonly addressMap: AddressMap,
    private readonly now: number,
  ) {}

  /** Admission: what the API server answers instead of creating the pod, if anything. */
  admit(pod: Obj): Status | undefined {
    const denied = this.scenario.probePods.admissionDenied;
    if (denied === undefined || !isProbePod(pod)) return undefined;
    return failure(403, denied, { name: pod.metadata.name, kind: 'pods' }, 'Forbidden');
  }

  /** Called after a pod is stored: a probe pod on an existing node starts. */
  started(created: Obj): void {
    if (!isProbePod(created)) return;
    const ns = String(created.metadata.namespace ?? '');
    const stored = this.store.raw(this.podType(), keyOf(ns, created.metadata.name));
    const pod = stored as unknown as Pod | undefined;
    const nodeName = pod?.spec.nodeName;
    // A pod bound to a node that does not exist is never run by any kubelet.
    if (!stored || !pod || !nodeName || !this.node(nodeName)) return;
    const rejects = this.scenario.probePods.nodeRejects;
    if (rejects) {
      stored.status = { phase: 'Failed', reason: rejects.reason, message: rejects.message };
      return;
    }
    const container = pod.spec.containers[0]?.name ?? 'probe';
    stored.status = {
      phase: 'Running',
      containerStatuses: [{ name: container, ready: true, restartCount: 0, state: { running: {} } }],
    };
    if (this.scenario.probePods.hang) return;
    const stop = new AbortController();
    // Every query in flight listens on it: hundreds, by design.
    setMaxListeners(0, stop.signal);
    const key = `${ns}/${pod.metadata.name}`;
    this.#running.set(key, stop);
    void this.run(pod, stored, container, stop.signal)
      .catch((err: unknown) => {
        // A probe that throws ends as a crashed container would: Failed, the error as its log.
        this.finish(pod, stored, container, `dnsmedic: internal error: ${(err as Error).message}`, 3);
      })
      .finally(() => this.#running.delete(key));
  }

  /** A deleted pod's probe stops, as the container would be killed. */
  deleted(namespace: string, name: string): void {
    this.#running.get(`${namespace}/${name}`)?.abort();
  }

  close(): void {
    for (const stop of this.#running.values()) stop.abort();
  }

  private async run(pod: Pod, stored: Obj, container: string, signal: AbortSignal): Promise<void> {
    const args = pod.spec.containers[0]?.args ?? [];
    const at = args.indexOf('--spec');
    const spec = parseProbeSpec(at >= 0 ? (args[at + 1] ?? '') : '');
    let line: string;
    let exitCode = 0;
    if (typeof spec === 'string') {
      line = `dnsmedic: probe: ${spec}`;
      exitCode = 2;
    } else {
      const resolvConf = this.resolvConfFor(pod);
      const readNodeFacts = () => this.nodeReading(pod);
      const apiServer = this.apiServer();
      const report = await runProbeSpec(spec, {
        dialer: mapDialer(this.addressMap),
        resolvConf,
        readNodeFacts,
        ...(apiServer ? { apiServer } : {}),
        signal,
      });
      line = formatReport(report);
    }
    if (signal.aborted) return;
    this.finish(pod, stored, container, line, exitCode);
  }

  /** The container exits: its output becomes the pod's log, the pod Succeeded or Failed. */
  private finish(pod: Pod, stored: Obj, container: string, line: string, exitCode: number): void {
    const ns = pod.metadata.namespace ?? '';
    this.logs[`${ns}/${pod.metadata.name}/${container}`] = `${rfc3339Nano(this.now)} ${line}\n`;
    const state = { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error' } };
    stored.status = {
      phase: exitCode === 0 ? 'Succeeded' : 'Failed',
      containerStatuses: [{ name: container, ready: false, restartCount: 0, state }],
    };
  }

  /** What the kubelet writes (pkg/kubelet/network/dns): its clusterDNS, clusterDomain and the node's resolv.conf. */
  private resolvConfFor(pod: Pod): string {
    const nodeName = pod.spec.nodeName ?? '';
    const perNode = this.scenario.kubelet.nodes[nodeName];
    const config = this.kubeletConfig();
    const minor = /^v?\d+\.(\d+)/.exec(this.scenario.cluster.version)?.[1];
    const result = kubeletResolvConf({
      namespace: pod.metadata.namespace ?? 'default',
      ...(pod.spec.dnsPolicy ? { dnsPolicy: pod.spec.dnsPolicy } : {}),
      ...(pod.spec.hostNetwork ? { hostNetwork: true } : {}),
      ...(pod.spec.dnsConfig ? { dnsConfig: pod.spec.dnsConfig } : {}),
      clusterDnsIps: perNode?.clusterDNS ?? config.clusterDNS ?? this.dnsServiceIps(),
      clusterDomain: config.clusterDomain ?? 'cluster.local',
      node: parseResolvConf(perNode?.resolvConf ?? this.scenario.kubelet.resolvConf ?? ''),
      ...(minor ? { kubernetesMinor: Number(minor) } : {}),
    });
    return formatResolvConf(result.resolvConf);
  }

  /**
   * What the node probe reads on a real node (/proc and /dev/kmsg), from the scenario's node facts;
   * without privileges (not privileged, or not on the host network) it can read nothing, as there.
   */
  private nodeReading(pod: Pod): NodeReading {
    const privileged = (pod.spec.containers[0] as { securityContext?: { privileged?: boolean } } | undefined)
      ?.securityContext?.privileged;
    if (!privileged || !pod.spec.hostNetwork) {
      return { kernelLog: [], problems: ['cannot read /dev/kmsg: EPERM'] };
    }
    const facts = this.scenario.nodeFacts[pod.spec.nodeName ?? ''] ?? {};
    const reading: NodeReading = { kernelLog: (facts.kernelLog ?? []).map(kmsgMessage), problems: [] };
    if (facts.conntrackEntries !== undefined) reading.conntrackEntries = facts.conntrackEntries;
    if (facts.conntrackMax !== undefined) reading.conntrackMax = facts.conntrackMax;
    return reading;
  }

  /** kubeadm's kube-system/kubelet-config ConfigMap, when the scenario has one. */
  private kubeletConfig(): { clusterDNS?: string[]; clusterDomain?: string } {
    const type = this.registry.byKind('v1', 'ConfigMap');
    const cm = type ? this.store.get(type, 'kube-system', 'kubelet-config') : undefined;
    const text = (cm?.data as Record<string, string> | undefined)?.kubelet;
    if (!text) return {};
    try {
      const doc = parseYaml(text) as { clusterDNS?: unknown; clusterDomain?: unknown } | null;
      const out: { clusterDNS?: string[]; clusterDomain?: string } = {};
      if (Array.isArray(doc?.clusterDNS)) out.clusterDNS = doc.clusterDNS.map(String);
      if (typeof doc?.clusterDomain === 'string') out.clusterDomain = doc.clusterDomain;
      return out;
    } catch {
      return {};
    }
  }

  /** What the kubelet puts in KUBERNETES_SERVICE_HOST and _PORT. */
  private apiServer(): ServerAddress | undefined {
    const address = kubernetesServiceAddress(this.scenario);
    const parsed = address ? parseServer(address) : undefined;
    return typeof parsed === 'object' ? parsed : undefined;
  }

  /** Without a kubelet config: the kube-dns Service's address, as every installer sets clusterDNS. */
  private dnsServiceIps(): string[] {
    const type = this.registry.byKind('v1', 'Service');
    const svc = type ? this.store.get(type, 'kube-system', 'kube-dns') : undefined;
    const ip = (svc?.spec as { clusterIP?: string } | undefined)?.clusterIP;
    return ip ? [ip] : [];
  }

  private node(name: string): Obj | undefined {
    const type = this.registry.byKind('v1', 'Node');
    return type ? this.store.get(type, '', name) : undefined;
  }

  private podType(): ResourceType {
    const type = this.registry.byKind('v1', 'Pod');
    if (!type) throw new Error('the registry has no Pod type');
    return type;
  }
}

function isProbePod(pod: Obj): boolean {
  const labels = pod.metadata.labels as Record<string, string> | undefined;
  const [key, value] = Object.entries(PROBE_LABELS)[0] ?? [];
  return key !== undefined && labels?.[key] === value;
}
