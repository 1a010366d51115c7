/**
 * coredns.query-log-disabled (advisory): the Corefile has no `log` plugin, so CoreDNS writes no
 * query log and the guide's query-log step (which names failed, which codes) cannot run. Most
 * default Corefiles have no `log`: always a note, never a fault. Guide: "Diagnose the DNS query log".
 */
import type { Check } from '../model/check.js';
import type { Evidence } from '../model/evidence.js';
import type { Finding, Remedy } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import { configMapName, dnsNamespace } from './support/names.js';
import { safeName } from './support/shell.js';
import { finding } from './support.js';
import { allDirectives, reloadLogCommand } from './support-coredns.js';

function run(e: Evidence): Finding[] {
  const corefile = seenValue(e.corefile);
  if (!corefile) return [];
  // `log` may come in through an import (AKS coredns-custom): query lines in the log prove it.
  const logging = allDirectives(e).some((d) => d.name === 'log') || seenValue(e.corednsLogs)?.queryLogSeen;
  if (logging) return [];

  const ns = dnsNamespace(e);
  const cm = configMapName(e);
  const custom =
    corefile.parsed.imports.some((i) => i.includes('custom')) ||
    allDirectives(e).some((d) => d.name === 'import' && d.args.some((a) => a.includes('custom')));
  // A bare `errors` line is the anchor the one-liner inserts `log` after.
  const bareErrors = allDirectives(e).some(
    (d) => d.name === 'errors' && d.args.length === 0 && d.block.length === 0,
  );
  const [enable, disable, summary] = custom
    ? [
        `kubectl -n ${ns} patch configmap coredns-custom --type=merge -p '{"data":{"log.override":"log"}}'`,
        `kubectl -n ${ns} patch configmap coredns-custom --type=json -p='[{"op":"remove","path":"/data/log.override"}]'`,
        `Enable the query log through ConfigMap ${ns}/coredns-custom (AKS reverts edits to ${cm}), rerun, then remove it.`,
      ]
    : bareErrors
      ? [
          `kubectl -n ${ns} get configmap ${cm} -o yaml | sed 's/^\\(\\s*\\)errors$/\\1errors\\n\\1log/' | kubectl apply -f -`,
          `kubectl -n ${ns} get configmap ${cm} -o yaml | sed '/^\\s*log$/d' | kubectl apply -f -`,
          `Add \`log\` to the Corefile in ConfigMap ${ns}/${cm} (CoreDNS reloads by itself), rerun, then remove it: it logs every query.`,
        ]
      : [
          `kubectl -n ${ns} edit configmap ${cm}`,
          undefined,
          `Add a \`log\` line to the server block in ConfigMap ${ns}/${cm} (CoreDNS reloads by itself), rerun, then remove it: it logs every query.`,
        ];
  const { namespace, pod } = e.target;
  const rerun =
    namespace && pod
      ? `dnsmedic diagnose ${safeName(namespace, 'default')}/${safeName(pod, 'pod')}`
      : undefined;
  const remedy: Remedy = {
    summary,
    commands: [enable, reloadLogCommand(e), ...(rerun ? [rerun] : []), ...(disable ? [disable] : [])],
  };
  return [
    finding('coredns.query-log-disabled', {
      severity: 'info',
      title: `CoreDNS query log is off (no \`log\` plugin in ConfigMap ${ns}/${cm})`,
      detail:
        "Without the log plugin CoreDNS records no query, so the guide's query-log step cannot say which names failed with which code. " +
        'Most default Corefiles have no `log`; enable it briefly and rerun the diagnosis.',
      evidence: [
        {
          source: `Corefile (ConfigMap ${ns}/${cm})`,
          text: `${corefile.parsed.servers.length} server blocks, no log directive`,
        },
      ],
      remedies: [remedy],
      weight: 0.1,
    }),
  ];
}

export const check: Check = { id: 'coredns.query-log-disabled', needs: ['corefile'], run };
