/**
 * coredns.load-unbalanced: DNS slow or failing on some nodes while the load is not spread:
 * replicas all on one node (or just one), `sessionAffinity: ClientIP` on the DNS Service pinning
 * each client to one pod, or one pod carrying most of the load. With no symptom this is at most an
 * info note (a single replica on a small cluster is fine). Guide: "DNS query load is unbalanced".
 */
import type { Check } from '../model/check.js';
import type { Evidence } from '../model/evidence.js';
import type { Excerpt, Finding, Remedy } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import { corednsDeploymentName, dnsNamespace, dnsPodSelector, dnsServiceName } from './support/names.js';
import { clip } from './support/text.js';
import { finding, isPodReady } from './support.js';
import { dnsSymptoms, hasSymptoms, spreadPatch } from './support-coredns.js';

/** Skew counts only when the busy pod does real work; 4m against 1m is idle noise. */
const BUSY_MILLIS = 100;
const SKEW_FACTOR = 2;

function run(e: Evidence): Finding[] {
  const pods = (seenValue(e.corednsPods) ?? []).filter(isPodReady);
  if (pods.length === 0) return [];
  const ns = dnsNamespace(e);
  const svc = dnsServiceName(e);
  const nodes = new Set(pods.map((p) => p.spec.nodeName ?? '?'));
  const placement = pods.length < 2 || nodes.size < 2;
  const affinity = seenValue(e.clusterDns)?.service.spec.sessionAffinity === 'ClientIP';
  const usage = [...(seenValue(e.corednsUsage) ?? [])].sort((a, b) => b.cpuMillis - a.cpuMillis);
  const [top, ...rest] = usage;
  const restMean = rest.reduce((n, u) => n + u.cpuMillis, 0) / Math.max(rest.length, 1);
  const skew =
    !!top && rest.length > 0 && top.cpuMillis >= BUSY_MILLIS && top.cpuMillis >= SKEW_FACTOR * restMean;
  if (!placement && !affinity && !skew) return [];

  const evidence: Excerpt[] = [];
  if (placement) {
    const where = pods.map((p) => `${p.metadata.name} on ${p.spec.nodeName ?? '?'}`).join(', ');
    evidence.push({ source: `ready CoreDNS pods in ${ns}`, text: clip(`${pods.length} ready: ${where}`) });
  }
  if (affinity) evidence.push({ source: `Service ${ns}/${svc}`, text: 'spec.sessionAffinity: ClientIP' });
  if (skew && top) {
    evidence.push({
      source: 'CoreDNS pod CPU (metrics.k8s.io)',
      text: clip(usage.map((u) => `${u.pod} ${Math.round(u.cpuMillis)}m`).join(', ')),
    });
  }
  const symptoms = dnsSymptoms(e);
  const what = [
    placement
      ? pods.length < 2
        ? 'a single ready replica'
        : `all replicas on node ${clip([...nodes][0] ?? '?', 100)}`
      : '',
    affinity ? 'sessionAffinity ClientIP' : '',
    skew ? `pod ${clip(top?.pod ?? '?', 100)} carrying most of the load` : '',
  ].filter(Boolean);
  const title = clip(`DNS load unbalanced: ${what.join('; ')}`, 200);
  const remedies = remediesFor(e, ns, svc, { placement, affinity, skew });

  // No symptom: a note, never a cause.
  if (!hasSymptoms(symptoms)) {
    return [
      finding('coredns.load-unbalanced', {
        severity: 'info',
        title,
        detail: `${what.join(', ')}. No slow or failing answers were seen, but one node or pod going down takes most of DNS with it.`,
        evidence,
        remedies,
        weight: 0.1,
      }),
    ];
  }
  const strong = affinity || skew;
  return [
    finding('coredns.load-unbalanced', {
      severity: strong && symptoms.failing.length > 0 ? 'critical' : 'warning',
      title,
      detail:
        `DNS is ${symptoms.failing.length > 0 ? 'failing' : 'slow'} while its load is not spread (${what.join(', ')}): the busy pod or node drops or delays queries while others idle. ` +
        "The guide's remedy is more replicas on separate nodes and no session affinity on the DNS Service.",
      evidence: [...evidence, ...symptoms.failing.slice(0, 2), ...symptoms.slow.slice(0, 1)],
      remedies,
      weight: strong ? 0.5 : 0.3,
    }),
  ];
}

function remediesFor(
  e: Evidence,
  ns: string,
  svc: string,
  why: { placement: boolean; affinity: boolean; skew: boolean },
): Remedy[] {
  const deploy = corednsDeploymentName(e);
  const out: Remedy[] = [];
  if (why.affinity) {
    out.push({
      summary: `Remove session affinity from Service ${ns}/${svc}.`,
      commands: [`kubectl -n ${ns} patch service ${svc} -p '{"spec":{"sessionAffinity":"None"}}'`],
    });
  }
  if (why.placement || why.skew) {
    const replicas = Math.max(2, seenValue(e.corednsDeployment)?.spec?.replicas ?? 0);
    out.push({
      summary: `Run at least two replicas of ${ns}/${deploy} on separate nodes.`,
      commands: [
        `kubectl -n ${ns} patch deployment ${deploy} --type=merge -p '${spreadPatch(e)}'`,
        `kubectl -n ${ns} scale deployment ${deploy} --replicas=${replicas}`,
        `kubectl -n ${ns} get pods -l ${dnsPodSelector(e)} -o wide`,
      ],
    });
  }
  return out;
}

export const check: Check = { id: 'coredns.load-unbalanced', needs: ['corednsPods'], run };
