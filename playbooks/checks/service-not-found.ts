/**
 * service.not-found: the name the user asked for has no Service (or no pod) behind it, so NXDOMAIN
 * is the right answer and nothing in DNS is broken: the name or the namespace is wrong, or the
 * StatefulSet has fewer replicas than the pod name assumes. Guide: the input to every step
 * ("Domain does not exist" in the error table).
 */
import type { Check } from '../model/check.js';
import type { AskedName, Evidence } from '../model/evidence.js';
import type { Excerpt, Finding } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import { normName } from './support/names.js';
import { shq } from './support/shell.js';
import { clip } from './support/text.js';
import { endpointsOf, finding } from './support.js';
import { clientProbesOf, describeProbe, splitServiceName, svcRef } from './support-service.js';

/** The StatefulSet pod the name points at (`db-7.db.data.svc...`), when no endpoint of the Service is that pod. */
function missingPod(asked: AskedName): string | undefined {
  const { podHostname, service, statefulSet, endpointSlices } = asked;
  if (!podHostname || !service || !statefulSet || !endpointSlices) return undefined;
  // A serviceName that names another Service is statefulset.service-name-mismatch, not a missing pod.
  if (statefulSet.spec.serviceName !== service.metadata.name) return undefined;
  const pods = endpointsOf(endpointSlices).map((ep) => ep.targetRef?.name);
  return pods.includes(podHostname) ? undefined : podHostname;
}

function run(e: Evidence): Finding[] {
  const asked = seenValue(e.askedName);
  if (asked?.kind !== 'cluster') return [];
  const probes = clientProbesOf(e, asked.name);
  // A name that answers (served by rewrite, hosts or a stub domain) is not missing.
  if (probes.some((p) => (p.rcodes['NOERROR'] ?? 0) > 0)) return [];
  const parts = splitServiceName(asked.name, seenValue(e.clusterDns)?.clusterDomain);
  const pod = missingPod(asked);
  if (!parts || (asked.service && !pod)) return [];

  const name = clip(normName(asked.name), 120);
  const ns = asked.service?.metadata.namespace ?? parts.namespace ?? e.target.namespace ?? 'default';
  const what =
    pod && asked.service
      ? `pod ${pod} behind Service ${svcRef(asked.service)}`
      : `Service ${ns}/${parts.service}`;
  const evidence: Excerpt[] = [{ source: 'Kubernetes API', text: clip(`no ${what}`) }];
  for (const p of probes.slice(0, 2))
    evidence.push({ source: `client probe ${p.server}`, text: describeProbe(p) });
  const commands = pod
    ? [
        `kubectl -n ${shq(ns)} get statefulset ${shq(asked.statefulSet?.metadata.name ?? '')} -o wide`,
        `kubectl -n ${shq(ns)} get endpointslices -l kubernetes.io/service-name=${shq(asked.service?.metadata.name ?? '')}`,
      ]
    : [
        `kubectl -n ${shq(ns)} get services`,
        `kubectl get services -A --field-selector metadata.name=${shq(parts.service)}`,
      ];
  return [
    finding('service.not-found', {
      severity: 'critical',
      title: `No ${what}: ${name} does not exist`,
      detail: `The cluster has no ${what}, so CoreDNS rightly answers NXDOMAIN for ${name}. DNS works; the name, its namespace or the replica count is wrong.`,
      evidence,
      remedies: [
        { summary: 'Fix the name or namespace the client uses (or create what it expects)', commands },
      ],
      weight: 0.7,
    }),
  ];
}

export const check: Check = { id: 'service.not-found', needs: ['askedName'], run };
