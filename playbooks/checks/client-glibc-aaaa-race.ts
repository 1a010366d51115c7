/**
 * client.glibc-aaaa-race: glibc sends A and AAAA together from one UDP socket; through DNAT one
 * conntrack insert can fail and that reply is lost, so the lookup waits out its 5 s timeout.
 * Proven when same-socket probes lose replies while separate-socket probes to the same server do
 * not (if those fail too, it is something else). On ARM, glibc < 2.33 has the same symptom
 * (glibc bug 26600). Guide: "DNS fails due to concurrent A and AAAA record queries".
 */
import type { Check } from '../model/check.js';
import type { Evidence, ProbeResult } from '../model/evidence.js';
import type { Excerpt, Finding, Remedy } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import { hostOf } from './support/ip.js';
import { clientNodeName, probeOrigin } from './support/names.js';
import { unanswered } from './support/probes.js';
import { onNode } from './support/shell.js';
import { quote } from './support/text.js';
import { compareVersions, finding } from './support.js';
import {
  clientRef,
  describeLibc,
  describeProbe,
  optionsWith,
  patchPodSpec,
  probeSource,
} from './support-pod.js';

const lost = (r: ProbeResult): boolean => r.timeouts > 0 || unanswered(r) > 0;

/** A same-socket probe that lost replies, paired with clean separate-socket probes to that server. */
function racePair(e: Evidence): { pair: ProbeResult; separate: ProbeResult } | undefined {
  const udp = (seenValue(e.clientProbes)?.results ?? []).filter((r) => r.transport === 'udp');
  for (const pair of udp.filter((r) => r.mode === 'same-socket' && lost(r))) {
    const separate = udp.filter((r) => r.mode !== 'same-socket' && hostOf(r.server) === hostOf(pair.server));
    const first = separate[0];
    // No comparison, or the separate sockets fail too: not this race.
    if (first && !separate.some(lost)) return { pair, separate: first };
  }
  return undefined;
}

function separateSocketsLose(e: Evidence): boolean {
  return (seenValue(e.clientProbes)?.results ?? []).some(
    (r) => r.transport === 'udp' && r.mode !== 'same-socket' && lost(r),
  );
}

function run(e: Evidence): Finding[] {
  const libc = seenValue(e.clientLibc);
  if (libc?.libc === 'go') return []; // Go's resolver uses a socket per query
  const opts = seenValue(e.podResolvConf)?.parsed.options ?? {};
  const glibcAvoids =
    libc?.libc !== 'musl' && !!(opts['single-request-reopen'] || opts['single-request'] || opts['use-vc']);
  if (glibcAvoids) return []; // the client does not send the pair from one socket
  const race = racePair(e);
  const node = seenValue(e.clientNode);
  const arch = libc?.architecture ?? node?.status?.nodeInfo?.architecture ?? '';
  const oldArmGlibc =
    libc?.libc === 'glibc' &&
    !!libc.version &&
    /arm|aarch/i.test(arch) &&
    compareVersions(libc.version, '2.33') < 0;
  const symptomatic = e.symptom?.intermittent === true || e.symptom?.category === 'temporary';
  if (!race && !(oldArmGlibc && symptomatic && !separateSocketsLose(e))) return [];

  const pod = seenValue(e.clientPod);
  const ref = clientRef(e);
  // Worker-local probes saw the race on the worker's path, not necessarily on the client's.
  const local = seenValue(e.clientProbes)?.where === 'worker-local';
  const evidence: Excerpt[] = [];
  if (race) {
    evidence.push(quote(probeSource(race.pair), describeProbe(race.pair)));
    evidence.push(quote(probeSource(race.separate), describeProbe(race.separate)));
  }
  if (libc) evidence.push(quote('client libc', describeLibc({ ...libc, architecture: arch || undefined })));

  const remedies: Remedy[] = [];
  if (pod && libc?.libc !== 'musl') {
    const options = optionsWith(pod, [
      { name: 'single-request-reopen' },
      { name: 'timeout', value: '2' },
      { name: 'attempts', value: '3' },
    ]);
    remedies.push({
      summary:
        'Make glibc reopen the socket between A and AAAA (options single-request-reopen timeout:2 attempts:3).',
      commands: [patchPodSpec(pod, { dnsConfig: { options } })],
    });
  }
  const nodeName = clientNodeName(e);
  if (nodeName) {
    remedies.push({
      summary: `Confirm on ${nodeName}: insert_failed rising in conntrack statistics. Lasting fixes: glibc >= 2.33, NodeLocal DNSCache, CURL_IPRESOLVE_V4 for PHP cURL${libc?.libc === 'musl' ? ', a non-Alpine image (musl ignores single-request options)' : ''}.`,
      commands: [onNode(nodeName, 'conntrack -S')],
    });
  }
  return [
    finding('client.glibc-aaaa-race', {
      severity: race ? 'critical' : 'warning',
      title: race
        ? `A/AAAA sent from one socket lose replies towards ${race.pair.server} (conntrack race) ${local ? `from ${probeOrigin(e)}` : `for ${ref}`}`
        : `glibc ${libc?.version ?? ''} on ${arch} in ${ref} is exposed to glibc bug 26600`,
      detail: race
        ? `Queries for A and AAAA sent together from one socket (from ${probeOrigin(e)}) lost ${race.pair.timeouts || race.pair.attempts - race.pair.answered} of ${race.pair.attempts} replies, while separate-socket queries to the same server were all answered. ` +
          'That is the conntrack insert race on the DNAT path: the client waits its full timeout for the lost reply, so lookups stall intermittently.'
        : `On ARM, glibc before 2.33 mishandles query ids for parallel A/AAAA queries (bug 26600), and the reported failures are intermittent. ` +
          'No same-socket probe confirmed it, so treat this as a likely, not proven, cause.',
      evidence,
      remedies,
      weight: race ? 0.9 : 0.5,
    }),
  ];
}

export const check: Check = { id: 'client.glibc-aaaa-race', needs: ['clientProbes'], run };
