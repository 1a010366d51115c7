/**
 * pod.ndots-amplification (advisory): with ndots:5 every external name with fewer dots walks the
 * whole search list first, each step asked twice (A and AAAA), so one lookup costs many queries,
 * most of them NXDOMAIN. Not a fault, but it multiplies load and latency and raises the weight of
 * latency causes. Beyond the guide.
 */
import type { Check } from '../model/check.js';
import type { Evidence } from '../model/evidence.js';
import type { Excerpt, Finding, Remedy } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import { RESOLVER_DEFAULTS } from '../parsers/resolv-conf-types.js';
import { normName } from './support/names.js';
import { shq } from './support/shell.js';
import { quote } from './support/text.js';
import { finding } from './support.js';
import { askedName, clientRef, optionsWith, patchPodSpec, resolvLines, resolvSource } from './support-pod.js';

const dots = (name: string): number => normName(name).split('.').length - 1;

function run(e: Evidence): Finding[] {
  const observed = seenValue(e.podResolvConf);
  if (!observed) return [];
  const ndotsOpt = observed.parsed.options['ndots'];
  const ndots = typeof ndotsOpt === 'number' ? ndotsOpt : RESOLVER_DEFAULTS.ndots;
  const search = observed.parsed.search;
  if (ndots < 2 || search.length === 0) return [];

  const asked = askedName(e);
  // A trailing dot makes the name absolute: no search walk at all.
  const walking =
    asked?.kind === 'external' && !asked.name.trim().endsWith('.') && dots(asked.name) < ndots
      ? asked.name
      : undefined;
  const walkedNx = seenValue(e.corednsLogs)?.byRcode.NXDOMAIN?.['search-expansion'] ?? 0;
  if (!walking && walkedNx === 0) return [];

  const pod = seenValue(e.clientPod);
  const ref = clientRef(e);
  const perLookup = (search.length + 1) * 2;
  const evidence: Excerpt[] = [
    quote(
      resolvSource(observed, ref),
      `${resolvLines(observed, 'search')}\n${resolvLines(observed, 'options')}`,
    ),
  ];
  if (walking) evidence.push(quote('asked name', `${walking} has ${dots(walking)} dots < ndots:${ndots}`));
  if (walkedNx > 0)
    evidence.push(quote('CoreDNS logs', `${walkedNx} NXDOMAIN answers for search-suffixed names`));

  const example = walking ?? 'api.example.com';
  const remedies: Remedy[] = [];
  if (walking && pod) {
    remedies.push({
      summary: `Write the name fully qualified, with a trailing dot (${walking}.), in the application's configuration.`,
      commands: [
        `kubectl -n ${shq(pod.metadata.namespace ?? 'default')} exec ${shq(pod.metadata.name)} -- getent hosts ${shq(`${normName(walking)}.`)}`,
      ],
    });
  }
  if (pod && (!walking || dots(walking) >= 2)) {
    remedies.push({
      summary:
        'Lower ndots to 2 for this workload (musl then stops searching names with 2+ dots: qualify those).',
      commands: [
        patchPodSpec(pod, { dnsConfig: { options: optionsWith(pod, [{ name: 'ndots', value: '2' }]) } }),
      ],
    });
  }
  return [
    finding('pod.ndots-amplification', {
      severity: 'info',
      title: `ndots:${ndots} in ${ref} turns each external lookup into up to ${perLookup} queries`,
      detail:
        `With ndots:${ndots} and ${search.length} search domains, a name such as ${example} is first tried with every search suffix, ` +
        `for A and AAAA, before the name itself: ${perLookup} queries, ${search.length * 2} of them NXDOMAIN. ` +
        'This does not break DNS by itself but multiplies load and latency when anything on the path is slow.',
      evidence,
      remedies,
      weight: 0.3,
    }),
  ];
}

export const check: Check = { id: 'pod.ndots-amplification', needs: ['podResolvConf'], run };
