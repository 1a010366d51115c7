/**
 * coredns.autopath-enabled: `autopath` in the Corefile. It answers a pod's whole search-list walk
 * in one go by guessing the pod's namespace from the packet source, and it guesses wrong behind
 * NodeLocal DNSCache, for hostNetwork pods, without `pods verified`, or when a pod IP is reused:
 * external names then fail now and then or get wrong answers. Guide: "autopath plugin does not work".
 */
import type { Check } from '../model/check.js';
import type { Evidence } from '../model/evidence.js';
import type { Excerpt, Finding } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import { configMapName, dnsNamespace } from './support/names.js';
import { clip } from './support/text.js';
import { finding, isClusterName } from './support.js';
import { allDirectives, directiveExcerpt, dnsSymptoms, reloadLogCommand } from './support-coredns.js';

/** Where autopath is known to pick the wrong namespace or do nothing. */
function breakingConditions(e: Evidence): Excerpt[] {
  const out: Excerpt[] = [];
  const nodeLocal = seenValue(e.nodeLocal);
  if (nodeLocal?.deployed) {
    out.push({
      source: 'NodeLocal DNSCache',
      text: `deployed (${nodeLocal.localIp ?? 'link-local'}): queries reach CoreDNS from node-cache, not the pod`,
    });
  }
  const client = seenValue(e.clientPod);
  if (client?.spec.hostNetwork) {
    out.push({
      source: `pod ${clip(client.metadata.name, 100)}`,
      text: 'hostNetwork: true (its source IP is the node)',
    });
  }
  const pods = allDirectives(e).find((d) => d.name === 'pods');
  if (allDirectives(e).some((d) => d.name === 'kubernetes') && pods?.args[0] !== 'verified') {
    out.push(
      pods
        ? directiveExcerpt(e, pods)
        : { source: 'Corefile', text: 'kubernetes plugin without `pods verified`' },
    );
  }
  return out;
}

/** The guide's symptoms: external names failing now and then. NXDOMAIN alone is no symptom. */
function externalFailures(e: Evidence): Excerpt[] {
  const logs = seenValue(e.corednsLogs);
  const domain = seenValue(e.clusterDns)?.clusterDomain ?? logs?.clusterDomain ?? 'cluster.local';
  const probes = dnsSymptoms(e, (r) => !isClusterName(r.name, domain)).failing.filter((x) =>
    x.source.startsWith('probe'),
  );
  const failed = (logs?.failedNames ?? [])
    .filter((f) => f.nameClass === 'external' && f.rcode !== 'NXDOMAIN')
    .slice(0, 2)
    .map((f) => ({
      source: 'CoreDNS query log',
      text: clip(`${f.count} x ${f.rcode} for ${f.name}: ${f.sample}`),
    }));
  const reported = e.symptom?.intermittent
    ? [{ source: 'reported symptom', text: 'failures are intermittent' }]
    : [];
  return [...probes.slice(0, 2), ...failed, ...reported];
}

function run(e: Evidence): Finding[] {
  const autopath = allDirectives(e).find((d) => d.name === 'autopath');
  if (!autopath) return [];

  const ns = dnsNamespace(e);
  const cm = configMapName(e);
  const conditions = breakingConditions(e);
  const symptoms = externalFailures(e);
  const both = conditions.length > 0 && symptoms.length > 0;
  return [
    finding('coredns.autopath-enabled', {
      severity: both ? 'critical' : 'warning',
      title: `autopath is enabled in ConfigMap ${ns}/${cm} (Corefile line ${autopath.line})`,
      detail:
        'autopath answers for the whole search list by guessing the asking pod from the source IP; the guide lists it as a known defect: external names fail now and then or resolve to a wrong IP. ' +
        (conditions.length > 0 ? 'This cluster has a setup where the guess goes wrong. ' : '') +
        (symptoms.length > 0 ? 'External lookups are failing as the guide describes.' : ''),
      evidence: [directiveExcerpt(e, autopath), ...conditions, ...symptoms],
      remedies: [
        {
          summary: `Delete the \`autopath\` line from ConfigMap ${ns}/${cm}, then check that CoreDNS reloaded.`,
          commands: [
            `kubectl -n ${ns} get configmap ${cm} -o yaml | sed '/^\\s*autopath\\b/d' | kubectl apply -f -`,
            reloadLogCommand(e),
          ],
        },
      ],
      weight: symptoms.length > 0 ? 0.7 : conditions.length > 0 ? 0.5 : 0.3,
    }),
  ];
}

export const check: Check = { id: 'coredns.autopath-enabled', needs: ['corefile'], run };
