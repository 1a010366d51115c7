/**
 * service.headless-old-coredns: a headless Service with ready endpoints does not resolve (or
 * resolves to stale addresses) and CoreDNS is older than 1.7.0. Before 1.7.0 the endpoints watch
 * could die on API server jitter and leave headless records frozen until a restart.
 * Guide: FAQ "headless Service domain names cannot be resolved".
 */
import type { Check } from '../model/check.js';
import type { Evidence } from '../model/evidence.js';
import type { Excerpt, Finding } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import { corednsContainer, corednsDeploymentName, dnsNamespace, normName } from './support/names.js';
import { isDead } from './support/probes.js';
import { shq } from './support/shell.js';
import { clip } from './support/text.js';
import { compareVersions, finding, readyAddresses, versionFrom } from './support.js';
import { clientProbesOf, describeProbe, isHeadless, svcRef } from './support-service.js';

const FIXED_IN = '1.7.0';

/** Whether the name is seen failing (NXDOMAIN, no answer, stale addresses), seen resolving, or neither. */
function outcome(e: Evidence, name: string, ready: string[]): { fails: Excerpt[]; resolves: boolean } {
  const fails: Excerpt[] = [];
  let resolves = false;
  for (const p of clientProbesOf(e, name)) {
    const ips = p.sample?.match(/\b\d{1,3}(?:\.\d{1,3}){3}\b/g) ?? [];
    const stale = ips.length > 0 && !ips.some((ip) => ready.includes(ip));
    if ((p.rcodes['NXDOMAIN'] ?? 0) > 0 || isDead(p) || stale)
      fails.push({
        source: `client probe ${p.server}`,
        text: describeProbe(p) + (stale ? ` [${clip(p.sample ?? '', 120)}]` : ''),
      });
    else if ((p.rcodes['NOERROR'] ?? 0) > 0) resolves = true;
  }
  for (const f of seenValue(e.corednsLogs)?.failedNames ?? [])
    if (normName(f.name) === normName(name)) fails.push({ source: 'CoreDNS logs', text: clip(f.sample) });
  return { fails, resolves };
}

/** The CoreDNS container and its image with the tag moved to 1.7.0, when the pods show one. */
function upgradedImage(e: Evidence): { container: string; image: string } | undefined {
  const c = corednsContainer(e);
  const m = /^(.*):([^:/@]+)(?:@.*)?$/.exec(c?.image ?? '');
  if (!c || !m?.[2] || !/\d+\.\d+\.\d+/.test(m[2])) return undefined;
  return { container: c.name, image: `${m[1]}:${m[2].replace(/\d+\.\d+\.\d+/, FIXED_IN)}` };
}

function run(e: Evidence): Finding[] {
  const asked = seenValue(e.askedName);
  const svc = asked?.service;
  const version = versionFrom(seenValue(e.corednsVersion));
  if (!asked || !svc || !isHeadless(svc) || !version || compareVersions(version, FIXED_IN) >= 0) return [];
  const ready = readyAddresses(asked.endpointSlices);
  // No ready endpoint: an empty answer is correct, whatever the version.
  if (ready.length === 0) return [];
  const { fails, resolves } = outcome(e, asked.name, ready);
  if (resolves && fails.length === 0) return [];

  const ns = dnsNamespace(e);
  const deploy = corednsDeploymentName(e);
  const upgrade = upgradedImage(e);
  const evidence: Excerpt[] = [
    { source: 'CoreDNS version', text: clip(`CoreDNS ${version} (headless fix in ${FIXED_IN})`) },
    {
      source: `Service ${svcRef(svc)}`,
      text: clip(`clusterIP: None; ${ready.length} ready endpoints: ${ready.slice(0, 5).join(', ')}`),
    },
    ...fails.slice(0, 2),
  ];
  return [
    finding('service.headless-old-coredns', {
      severity: fails.length > 0 ? 'critical' : 'warning',
      title: `Headless Service ${svcRef(svc)} on CoreDNS ${version} (< ${FIXED_IN})`,
      detail: `${svcRef(svc)} is headless with ${ready.length} ready endpoints, ${fails.length > 0 ? 'yet its name does not resolve to them' : 'and its records can go stale'}. CoreDNS before ${FIXED_IN} can lose its endpoints watch on API server jitter and keep serving frozen headless records until restarted.`,
      evidence,
      remedies: [
        {
          summary: 'Restart CoreDNS to rebuild the records now',
          commands: [`kubectl -n ${ns} rollout restart deployment/${shq(deploy)}`],
        },
        {
          summary: `Upgrade CoreDNS to ${FIXED_IN} or later (check the Corefile against the new version first)`,
          commands: upgrade
            ? [
                `kubectl -n ${ns} set image deployment/${shq(deploy)} ${shq(upgrade.container)}=${shq(upgrade.image)}`,
              ]
            : [
                `kubectl -n ${ns} get deployment ${shq(deploy)} -o jsonpath='{.spec.template.spec.containers[*].image}'`,
              ],
        },
      ],
      weight: fails.length > 0 ? 0.7 : 0.5,
    }),
  ];
}

export const check: Check = {
  id: 'service.headless-old-coredns',
  needs: ['askedName', 'corednsVersion'],
  run,
};
