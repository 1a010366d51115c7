/**
 * coredns.no-pods: nothing serves the cluster DNS Service, so every lookup from every pod
 * times out. Usually the Deployment was scaled to 0 or its pods cannot be created (quota,
 * admission, a deleted ReplicaSet). Pods the Service's selector misses are not missing pods: a
 * Deployment that reports ready replicas is left to coredns.service-no-endpoints. Guide: Step 2.
 */
import type { Check } from '../model/check.js';
import type { Evidence } from '../model/evidence.js';
import type { Excerpt, Finding } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import { corednsDeploymentName, dnsNamespace, dnsPodSelector, dnsServiceName } from './support/names.js';
import { finding, readyAddresses } from './support.js';

function run(e: Evidence): Finding[] {
  const pods = seenValue(e.corednsPods);
  const deployment = seenValue(e.corednsDeployment);
  const scaledToZero = deployment?.spec?.replicas === 0;
  // Ready endpoints mean something serves the Service, whatever the pod listing missed.
  if (!(scaledToZero || pods?.length === 0) || readyAddresses(seenValue(e.corednsEndpoints)).length > 0)
    return [];
  // The pods are listed by the Service's selector: a Deployment with ready pods the Service does
  // not select has pods, it is the Service that has no endpoints (coredns.service-no-endpoints).
  if (!scaledToZero && (deployment?.status?.readyReplicas ?? 0) > 0) return [];

  const ns = dnsNamespace(e);
  const deploy = corednsDeploymentName(e);
  const selector = dnsPodSelector(e);
  const evidence: Excerpt[] = [];
  if (deployment) {
    const { spec, status } = deployment;
    evidence.push({
      source: `Deployment ${ns}/${deploy}`,
      text: `spec.replicas=${spec?.replicas ?? 'unset'} status.replicas=${status?.replicas ?? 0} readyReplicas=${status?.readyReplicas ?? 0}`,
    });
  }
  if (pods) evidence.push({ source: `pods in ${ns} with ${selector}`, text: `${pods.length} pods` });

  const remedy = scaledToZero
    ? {
        summary: `Scale Deployment ${ns}/${deploy} back up (two replicas at least, on separate nodes).`,
        commands: [
          `kubectl -n ${ns} scale deployment ${deploy} --replicas=2`,
          `kubectl -n ${ns} rollout status deployment ${deploy}`,
        ],
      }
    : {
        summary: `Find out why Deployment ${ns}/${deploy} creates no pods: its ReplicaSet events name the reason.`,
        commands: [
          `kubectl -n ${ns} describe deployment ${deploy}`,
          `kubectl -n ${ns} get replicasets -l ${selector}`,
          `kubectl -n ${ns} get events --field-selector involvedObject.kind=ReplicaSet --sort-by=.lastTimestamp`,
        ],
      };
  return [
    finding('coredns.no-pods', {
      severity: 'critical',
      title: scaledToZero
        ? `CoreDNS Deployment ${ns}/${deploy} is scaled to 0`
        : `No CoreDNS pod behind the DNS Service ${ns}/${dnsServiceName(e)}`,
      detail:
        `No pod matches ${selector} in ${ns}, so the DNS Service has nothing to send queries to and every lookup in the cluster times out. ` +
        'Restore the Deployment before looking at anything else.',
      evidence,
      remedies: [remedy],
      weight: 0.9,
    }),
  ];
}

export const check: Check = { id: 'coredns.no-pods', needs: ['corednsPods'], run };
