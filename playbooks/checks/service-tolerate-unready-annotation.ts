/**
 * service.tolerate-unready-annotation: a Service relies on the old
 * `service.alpha.kubernetes.io/tolerate-unready-endpoints` annotation to publish pods before they
 * are ready (etcd, Nacos, Kafka peer discovery). CoreDNS >= 1.8.4 reads EndpointSlices, which
 * ignore it: unready pods get no DNS record and the cluster cannot form.
 * Guide: FAQ "headless Service domain names cannot be resolved after updating CoreDNS".
 */
import type { Check } from '../model/check.js';
import type { Evidence } from '../model/evidence.js';
import type { Finding } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import type { EndpointSlice, Service } from '../model/k8s.js';
import { shq } from './support/shell.js';
import { clip } from './support/text.js';
import { compareVersions, endpointsOf, finding, versionFrom } from './support.js';
import { isHeadless, svcRef } from './support-service.js';

const ANNOTATION = 'service.alpha.kubernetes.io/tolerate-unready-endpoints';
const IGNORED_FROM = '1.8.4';

/** The asked name's Service (with its slices) and the client's governing Service, once each. */
function candidates(e: Evidence): { svc: Service; slices?: EndpointSlice[] }[] {
  const asked = seenValue(e.askedName);
  const governing = seenValue(e.clientOwner)?.governingService;
  const out: { svc: Service; slices?: EndpointSlice[] }[] = [];
  if (asked?.service)
    out.push({ svc: asked.service, ...(asked.endpointSlices ? { slices: asked.endpointSlices } : {}) });
  if (governing && !out.some((c) => svcRef(c.svc) === svcRef(governing))) out.push({ svc: governing });
  return out;
}

function run(e: Evidence): Finding[] {
  const version = versionFrom(seenValue(e.corednsVersion));
  if (!version || compareVersions(version, IGNORED_FROM) < 0) return [];
  return candidates(e).flatMap(({ svc, slices }) => {
    const value = svc.metadata.annotations?.[ANNOTATION];
    // publishNotReadyAddresses does what the annotation did: nothing is lost.
    if (value?.toLowerCase() !== 'true' || svc.spec.publishNotReadyAddresses === true) return [];
    // A ClusterIP Service answers with its ClusterIP whatever its endpoints: only headless records depend on it.
    if (!isHeadless(svc)) return [];
    const unready = endpointsOf(slices).filter((ep) => ep.conditions?.ready === false);
    const names = unready.map((ep) => ep.targetRef?.name ?? ep.addresses[0] ?? '?').slice(0, 5);
    const ns = shq(svc.metadata.namespace ?? 'default');
    const evidence = [
      {
        source: `Service ${svcRef(svc)}`,
        text: clip(`${ANNOTATION}: "${value}"; publishNotReadyAddresses unset`),
      },
      {
        source: 'CoreDNS version',
        text: clip(`CoreDNS ${version} reads EndpointSlices (annotation ignored from ${IGNORED_FROM})`),
      },
    ];
    if (unready.length > 0)
      evidence.push({
        source: 'EndpointSlices',
        text: clip(`${unready.length} not-ready endpoints without records: ${names.join(', ')}`),
      });
    return [
      finding('service.tolerate-unready-annotation', {
        severity: unready.length > 0 ? 'critical' : 'warning',
        title: `Service ${svcRef(svc)} relies on ${ANNOTATION}, which CoreDNS ${version} ignores`,
        detail: `The annotation published not-ready pods through the old Endpoints API; CoreDNS ${IGNORED_FROM} and later read EndpointSlices and ignore it. ${unready.length > 0 ? `${unready.length} not-ready pods have no DNS record now, so peers that look them up during start-up get NXDOMAIN.` : 'Pods that are not ready yet will get no DNS record, which breaks peer discovery during start-up.'}`,
        evidence,
        remedies: [
          {
            summary:
              'Set publishNotReadyAddresses: true on the Service (and in the chart or manifest that owns it)',
            commands: [
              `kubectl -n ${ns} patch service ${shq(svc.metadata.name)} -p '{"spec":{"publishNotReadyAddresses":true}}'`,
              `kubectl -n ${ns} get service ${shq(svc.metadata.name)} -o jsonpath='{.spec.publishNotReadyAddresses}'`,
            ],
          },
        ],
        weight: unready.length > 0 ? 0.7 : 0.5,
      }),
    ];
  });
}

export const check: Check = { id: 'service.tolerate-unready-annotation', needs: ['corednsVersion'], run };
