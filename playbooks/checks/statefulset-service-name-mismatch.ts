/**
 * statefulset.service-name-mismatch: a StatefulSet's `spec.serviceName` is empty, names a Service
 * that does not exist or is not headless, or names one that does not select its pods. Pod records
 * (`db-0.db.data.svc.cluster.local`) exist only under the headless Service the StatefulSet names,
 * so the Service name resolves while the pod names do not.
 * Guide: FAQ "StatefulSet pod domain names cannot be resolved".
 */
import type { Check } from '../model/check.js';
import type { Evidence } from '../model/evidence.js';
import type { Finding } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import type { Service, StatefulSet } from '../model/k8s.js';
import { clip } from './support/text.js';
import { finding, matchesSelector } from './support.js';
import { type GoverningFix, governingServiceRemedy, isHeadless, svcRef } from './support-service.js';

interface Case {
  sts: StatefulSet;
  /** The Service the name or the StatefulSet points at; undefined when the named one does not exist. */
  svc: Service | undefined;
  /** The Service named in the DNS name the user asked for, when that is the source. */
  asked: boolean;
  podLabels?: Record<string, string>;
}

interface Problem {
  why: string;
  /** The headless Service that should govern the pods. */
  governing: string;
  fix: GoverningFix;
}

/** What is wrong and how to fix it; undefined when serviceName names a headless Service selecting the pods. */
function problem(c: Case): Problem | undefined {
  const named = c.sts.spec.serviceName;
  const target = c.svc && isHeadless(c.svc) ? c.svc.metadata.name : `${c.sts.metadata.name}-headless`;
  const recreate = 'recreate-statefulset' as const;
  if (!named) return { why: 'spec.serviceName is empty', governing: target, fix: recreate };
  if (!c.svc)
    return {
      why: `spec.serviceName "${named}" names no existing Service`,
      governing: named,
      fix: 'create-service',
    };
  if (c.asked && named !== c.svc.metadata.name)
    return {
      why: `spec.serviceName is "${named}", not "${c.svc.metadata.name}"`,
      governing: target,
      fix: recreate,
    };
  if (!isHeadless(c.svc))
    return {
      why: `Service ${c.svc.metadata.name} has clusterIP ${c.svc.spec.clusterIP ?? 'set'}, not None`,
      governing: target,
      fix: recreate,
    };
  const selector = c.svc.spec.selector ?? {};
  const stsLabels = c.sts.spec.selector?.matchLabels ?? {};
  const conflicts = Object.entries(selector).some(([k, v]) => k in stsLabels && stsLabels[k] !== v);
  const misses = c.podLabels !== undefined && !matchesSelector(c.podLabels, { matchLabels: selector });
  if (Object.keys(selector).length === 0 || conflicts || misses)
    return {
      why: `Service ${c.svc.metadata.name} selector ${JSON.stringify(selector)} does not select the pods`,
      governing: named,
      fix: 'fix-selector',
    };
  return undefined;
}

function cases(e: Evidence): Case[] {
  const asked = seenValue(e.askedName);
  const owner = seenValue(e.clientOwner);
  const out: Case[] = [];
  if (asked?.statefulSet && asked.service)
    out.push({ sts: asked.statefulSet, svc: asked.service, asked: true });
  const labels = seenValue(e.clientPod)?.metadata.labels;
  if (owner?.statefulSet && !out.some((c) => c.sts.metadata.name === owner.statefulSet?.metadata.name))
    out.push({
      sts: owner.statefulSet,
      svc: owner.governingService,
      asked: false,
      ...(labels ? { podLabels: labels } : {}),
    });
  return out;
}

function run(e: Evidence): Finding[] {
  const podName = seenValue(e.askedName)?.podHostname;
  return cases(e).flatMap((c) => {
    const p = problem(c);
    if (!p) return [];
    const ref = `${c.sts.metadata.namespace ?? 'default'}/${c.sts.metadata.name}`;
    // Fails now when the user asked for a pod name; otherwise it is the client's own pod records at risk.
    const failing = c.asked && podName !== undefined;
    return [
      finding('statefulset.service-name-mismatch', {
        severity: failing ? 'critical' : 'warning',
        title: `StatefulSet ${ref}: ${clip(p.why, 160)}`,
        detail: `Pod records such as ${c.sts.metadata.name}-0.${p.governing} exist only under the headless Service named in spec.serviceName that selects the pods. Here ${clip(p.why, 160)}, so ${failing ? `${podName} does not resolve` : "the pods' own names do not resolve"} while the Service name may.`,
        evidence: [
          { source: `StatefulSet ${ref}`, text: clip(`spec.serviceName: "${c.sts.spec.serviceName ?? ''}"`) },
          ...(c.svc
            ? [
                {
                  source: `Service ${svcRef(c.svc)}`,
                  text: clip(
                    `clusterIP: ${c.svc.spec.clusterIP ?? '-'}; selector: ${JSON.stringify(c.svc.spec.selector ?? {})}`,
                  ),
                },
              ]
            : []),
        ],
        remedies: [governingServiceRemedy(c.sts, c.svc, p.governing, p.fix)],
        weight: failing ? 0.7 : 0.5,
      }),
    ];
  });
}

export const check: Check = { id: 'statefulset.service-name-mismatch', needs: ['askedName'], run };
