/**
 * coredns.rbac-endpointslices: `endpointslices.discovery.k8s.io is forbidden`. CoreDNS 1.8.1+
 * watches EndpointSlices; a ClusterRole left from an older install lacks them, so the kubernetes
 * plugin never syncs: pods stay unready and Service names fail. A line older than the containers
 * running now, all Ready, is history; so is a line its pod logged before it last became Ready (the
 * ClusterRole was fixed and CoreDNS synced on its next retry, without a restart). Guide: beyond it
 * (CoreDNS kubernetes plugin RBAC).
 */
import type { LogEvent } from '../logs/summary-types.js';
import type { Check } from '../model/check.js';
import type { Evidence } from '../model/evidence.js';
import type { Finding } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import { dnsNamespace } from './support/names.js';
import { safeName } from './support/shell.js';
import { clip } from './support/text.js';
import { timeMs } from './support/time.js';
import { finding, isPodReady } from './support.js';
import { crashIsHistory, eventExcerpt, events, podForEvent } from './support-coredns.js';

function aboutEndpointSlices(ev: LogEvent): boolean {
  return /endpointslices/i.test(`${ev.detail ?? ''} ${ev.line}`);
}

/** `system:serviceaccount:kube-system:coredns` from the line, else the usual one in the DNS namespace. */
function serviceAccount(ev: LogEvent, ns: string): { ns: string; name: string } {
  const m = /system:serviceaccount:([a-z0-9-]+):([a-z0-9.-]+)/.exec(ev.line);
  return m?.[1] && m[2] ? { ns: m[1], name: safeName(m[2], 'coredns') } : { ns, name: 'coredns' };
}

/**
 * Every CoreDNS pod is Ready, and the one that logged the line became Ready after it: its kubernetes
 * plugin synced since, so the rule it lacked was granted. A line without a time or a pod cannot tell.
 */
function syncedSince(e: Evidence, ev: LogEvent): boolean {
  const pods = seenValue(e.corednsPods) ?? [];
  const pod = podForEvent(e, ev);
  const at = timeMs(ev.at);
  if (!pod || Number.isNaN(at) || pods.length === 0 || !pods.every(isPodReady)) return false;
  const readySince = timeMs(pod.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime);
  return !Number.isNaN(readySince) && readySince > at;
}

function run(e: Evidence): Finding[] {
  const current = events(seenValue(e.corednsLogs), 'api-forbidden')
    .filter(aboutEndpointSlices)
    .filter((ev) => !crashIsHistory(e, ev) && !syncedSince(e, ev));
  const ev = current.at(-1);
  if (!ev) return [];

  const ns = dnsNamespace(e);
  const sa = serviceAccount(ev, ns);
  const user = `system:serviceaccount:${sa.ns}:${sa.name}`;
  const version = seenValue(e.corednsVersion);
  const rule = '{"apiGroups":["discovery.k8s.io"],"resources":["endpointslices"],"verbs":["list","watch"]}';
  return [
    finding('coredns.rbac-endpointslices', {
      severity: 'critical',
      title: `CoreDNS service account ${sa.ns}/${sa.name} may not list EndpointSlices`,
      detail:
        `The API server refuses CoreDNS${version ? ` ${clip(version, 20)}` : ''} the EndpointSlices it watches (from 1.8.1 on), so its kubernetes plugin never syncs: pods stay unready and Service names fail. ` +
        'The ClusterRole bound to its service account predates that version and needs list and watch on endpointslices.',
      evidence: [
        eventExcerpt(ev),
        ...(version ? [{ source: 'CoreDNS version', text: clip(version, 40) }] : []),
      ],
      remedies: [
        {
          summary: `Grant list and watch on endpointslices.discovery.k8s.io to the ClusterRole bound to ${user} (system:coredns on kubeadm and EKS).`,
          commands: [
            `kubectl auth can-i list endpointslices.discovery.k8s.io --as=${user}`,
            `kubectl get clusterrolebindings -o wide | grep ${sa.ns}/${sa.name}`,
            `kubectl patch clusterrole system:coredns --type=json -p='[{"op":"add","path":"/rules/-","value":${rule}}]'`,
          ],
        },
      ],
      weight: 0.9,
    }),
  ];
}

export const check: Check = { id: 'coredns.rbac-endpointslices', needs: ['corednsLogs'], run };
