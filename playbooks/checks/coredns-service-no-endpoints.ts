/**
 * coredns.service-no-endpoints: the DNS Service has no ready endpoint, so queries to its
 * ClusterIP go nowhere and every lookup times out. Either no CoreDNS pod is ready, or the
 * Service's selector does not match the pods that are. The pods are listed through that selector,
 * so when it selects none, the Deployment tells: ready replicas whose template labels the selector
 * does not match. Guide: "Diagnose network connectivity".
 */
import type { Check } from '../model/check.js';
import type { Evidence } from '../model/evidence.js';
import type { Excerpt, Finding, Remedy } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import type { Deployment } from '../model/k8s.js';
import { corednsDeploymentName, dnsNamespace, dnsServiceName } from './support/names.js';
import { clip } from './support/text.js';
import { endpointsOf, finding, isPodReady, matchesSelector, readyAddresses } from './support.js';

function labelText(labels: Record<string, string> | undefined): string {
  return clip(
    Object.entries(labels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(',') || '(none)',
    200,
  );
}

/** The Deployment's pod template labels (the model leaves the template out), else its selector's. */
function templateLabels(d: Deployment): Record<string, string> | undefined {
  const spec = d.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined;
  return spec?.template?.metadata?.labels ?? d.spec?.selector?.matchLabels;
}

/**
 * Ready CoreDNS pods the Service does not select, known only from their Deployment: the pods came
 * through the selector, so none came. Undefined unless the Deployment has ready replicas whose
 * labels the selector does not match.
 */
function unselectedDeployment(
  e: Evidence,
  selector: Record<string, string> | undefined,
): { deployment: Deployment; labels: Record<string, string> } | undefined {
  const pods = seenValue(e.corednsPods);
  const deployment = seenValue(e.corednsDeployment);
  if (!selector || !pods || pods.length > 0 || !deployment) return undefined;
  const labels = templateLabels(deployment);
  if (!labels || (deployment.status?.readyReplicas ?? 0) === 0) return undefined;
  return matchesSelector(labels, { matchLabels: selector }) ? undefined : { deployment, labels };
}

function run(e: Evidence): Finding[] {
  const slices = seenValue(e.corednsEndpoints);
  if (!slices || readyAddresses(slices).length > 0) return [];

  const ns = dnsNamespace(e);
  const svc = dnsServiceName(e);
  const selector = seenValue(e.clusterDns)?.service.spec.selector;
  const readyPods = (seenValue(e.corednsPods) ?? []).filter(isPodReady);
  const unselected = selector
    ? readyPods.filter((p) => !matchesSelector(p.metadata.labels, { matchLabels: selector }))
    : [];
  const viaDeployment = unselectedDeployment(e, selector);
  const mismatch = (unselected.length > 0 && unselected.length === readyPods.length) || !!viaDeployment;

  const total = endpointsOf(slices).length;
  const evidence: Excerpt[] = [
    {
      source: `EndpointSlices of Service ${ns}/${svc}`,
      text: `${slices.length} slices, ${total} endpoints, 0 ready`,
    },
  ];
  if (selector) evidence.push({ source: `Service ${ns}/${svc} spec.selector`, text: labelText(selector) });
  const firstPod = unselected[0];
  if (firstPod)
    evidence.push({
      source: `pod ${ns}/${firstPod.metadata.name} labels`,
      text: labelText(firstPod.metadata.labels),
    });
  if (viaDeployment) {
    const { deployment: d, labels } = viaDeployment;
    evidence.push({
      source: `Deployment ${ns}/${clip(d.metadata.name, 100)} pod template labels`,
      text: `${labelText(labels)} (${d.status?.readyReplicas ?? 0} ready replicas, none selected by the Service)`,
    });
  }

  const remedy: Remedy = mismatch
    ? {
        summary: `Make the selector of Service ${ns}/${svc} match the labels of the CoreDNS pods (or relabel the pod template).`,
        commands: [
          `kubectl -n ${ns} get service ${svc} -o jsonpath='{.spec.selector}'`,
          `kubectl -n ${ns} get pods --show-labels`,
          `kubectl -n ${ns} edit service ${svc}`,
        ],
      }
    : {
        summary: `Bring the CoreDNS pods of Deployment ${ns}/${corednsDeploymentName(e)} to Ready; the endpoints follow.`,
        commands: [
          `kubectl -n ${ns} get endpointslices -l kubernetes.io/service-name=${svc} -o wide`,
          `kubectl -n ${ns} describe service ${svc}`,
          `kubectl -n ${ns} describe deployment ${corednsDeploymentName(e)}`,
        ],
      };
  return [
    finding('coredns.service-no-endpoints', {
      severity: 'critical',
      title: `DNS Service ${ns}/${svc} has no ready endpoints`,
      detail: mismatch
        ? `CoreDNS pods are ready but none matches the selector of ${ns}/${svc}, so the Service has no backend and every lookup to its ClusterIP times out.`
        : `No endpoint behind ${ns}/${svc} is ready, so every lookup to its ClusterIP times out. The CoreDNS pods themselves are the cause: see the pod findings.`,
      evidence,
      remedies: [remedy],
      // A selector mismatch is the root cause itself; missing pods make this their consequence.
      weight: mismatch ? 0.9 : 0.7,
    }),
  ];
}

export const check: Check = { id: 'coredns.service-no-endpoints', needs: ['corednsEndpoints'], run };
