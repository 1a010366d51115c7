/**
 * coredns.loop-detected: `[FATAL] plugin/loop: Loop (127.0.0.1:x -> :53) detected`. CoreDNS
 * forwards to itself, usually through a node resolv.conf that names a local stub
 * (systemd-resolved's 127.0.0.53), then exits: the pods crash-loop and DNS is down. A line older
 * than the containers running now, all Ready, is history. Guide: beyond it (CoreDNS loop docs).
 */
import type { Check } from '../model/check.js';
import type { Evidence } from '../model/evidence.js';
import type { Excerpt, Finding, Remedy } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import { isIpv4 } from './support/ip.js';
import { configMapName, corednsDeploymentName, corednsNode, dnsNamespace } from './support/names.js';
import { finding } from './support.js';
import {
  allDirectives,
  corednsDown,
  crashIsHistory,
  directiveExcerpt,
  eventExcerpt,
  events,
  podForEvent,
} from './support-coredns.js';

const LOOPBACK = /^(127\.|::1$|\[::1\])/;

function run(e: Evidence): Finding[] {
  const current = events(seenValue(e.corednsLogs), 'loop').filter((ev) => !crashIsHistory(e, ev));
  const ev = current.at(-1);
  if (!ev) return [];

  const ns = dnsNamespace(e);
  const cm = configMapName(e);
  const deploy = corednsDeploymentName(e);
  const down = corednsDown(e);
  const forwards = allDirectives(e).filter((d) => d.name === 'forward' || d.name === 'proxy');
  const viaResolvConf = forwards.some((d) => d.args.includes('/etc/resolv.conf'));
  const nodeServers = seenValue(e.nodeResolvConf)?.nameservers ?? [];
  const stub = nodeServers.find((s) => LOOPBACK.test(s));
  const upstreams = nodeServers.filter((s) => isIpv4(s) && !LOOPBACK.test(s));
  const node = corednsNode(e, podForEvent(e, ev)?.metadata.name);

  const evidence: Excerpt[] = [eventExcerpt(ev), ...forwards.slice(0, 2).map((d) => directiveExcerpt(e, d))];
  // nodeResolvConf is read by the CoreDNS-side probe pod, on that pod's node.
  const stubNode = seenValue(e.corednsSideProbes)?.node;
  if (stub)
    evidence.push({
      source: stubNode ? `resolv.conf of node ${stubNode}` : 'node resolv.conf',
      text: `nameserver ${stub}`,
    });
  const remedies: Remedy[] = [];
  if (viaResolvConf && node) {
    remedies.push({
      summary: `Point the kubelet on ${node} at a resolv.conf with real upstreams (resolvConf: /run/systemd/resolve/resolv.conf on systemd-resolved nodes), then restart CoreDNS.`,
      commands: [
        `kubectl debug node/${node} -it --image=busybox -- sh -c 'cat /host/etc/resolv.conf /host/run/systemd/resolve/resolv.conf; grep -i resolvConf /host/var/lib/kubelet/config.yaml'`,
        `kubectl -n ${ns} rollout restart deployment ${deploy}`,
      ],
    });
  }
  remedies.push({
    summary: `${remedies.length > 0 ? 'Or make' : 'Make'} \`forward\` in ConfigMap ${ns}/${cm} name real upstream resolvers${upstreams.length ? ` (e.g. forward . ${upstreams.slice(0, 3).join(' ')})` : ''}, never a loopback address.`,
    commands: [
      `kubectl -n ${ns} edit configmap ${cm}`,
      `kubectl -n ${ns} rollout status deployment ${deploy}`,
    ],
  });
  return [
    finding('coredns.loop-detected', {
      severity: down ? 'critical' : 'warning',
      title: `CoreDNS detected a forwarding loop${viaResolvConf ? ' through /etc/resolv.conf' : ''} (ConfigMap ${ns}/${cm})`,
      detail:
        'The loop plugin saw its own probe query come back, so queries CoreDNS forwards return to CoreDNS; it exits on purpose and the pods crash-loop. ' +
        (viaResolvConf
          ? `The Corefile forwards to the node's /etc/resolv.conf${stub ? `, which names the local stub ${stub}` : ''}.`
          : 'The forward target resolves back to CoreDNS itself.'),
      evidence,
      remedies,
      weight: down ? 0.9 : 0.7,
    }),
  ];
}

export const check: Check = { id: 'coredns.loop-detected', needs: ['corednsLogs'], run };
