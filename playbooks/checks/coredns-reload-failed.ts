/**
 * coredns.reload-failed: `plugin/reload: Corefile changed but reload failed`. CoreDNS keeps
 * serving the previous configuration, so the last edit of the ConfigMap never took effect (and
 * the next restart may not come up at all). A later successful reload in the same log stream
 * means the edit was fixed: not a fault. Guide: Step 3, check CoreDNS operational logs.
 */
import type { Check } from '../model/check.js';
import type { Evidence } from '../model/evidence.js';
import type { Excerpt, Finding } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import type { Directive } from '../parsers/corefile-types.js';
import { configMapName, dnsNamespace } from './support/names.js';
import { clip } from './support/text.js';
import { finding } from './support.js';
import {
  directiveExcerpt,
  eventExcerpt,
  events,
  happenedAfter,
  reloadLogCommand,
} from './support-coredns.js';

/** Plugins written twice in one server block: the usual cause ("can only be used once per Server Block"). */
function duplicated(e: Evidence): Directive[] {
  const servers = seenValue(e.corefile)?.parsed.servers ?? [];
  return servers.flatMap((s) =>
    s.directives.filter(
      (d, i) => d.name !== 'import' && s.directives.findIndex((x) => x.name === d.name) !== i,
    ),
  );
}

function run(e: Evidence): Finding[] {
  const logs = seenValue(e.corednsLogs);
  const oks = events(logs, 'reload-ok');
  const failed = events(logs, 'reload-failed').filter((ev) => !oks.some((ok) => happenedAfter(ok, ev)));
  const ev = failed.at(-1);
  if (!ev) return [];

  const ns = dnsNamespace(e);
  const cm = configMapName(e);
  const dupes = duplicated(e);
  const custom = (seenValue(e.corefile)?.parsed.imports ?? []).some((i) => i.includes('custom'));
  // `plugin/hosts: this plugin can only be used once per Server Block`: which plugin came twice.
  const once = /plugin\/([a-z0-9_]{1,40}): this plugin can only be used once per Server Block/.exec(
    ev.line,
  )?.[1];
  const twice = dupes[0]?.name ?? once;
  const evidence: Excerpt[] = [eventExcerpt(ev), ...dupes.slice(0, 2).map((d) => directiveExcerpt(e, d))];
  return [
    finding('coredns.reload-failed', {
      severity: 'warning',
      title: `CoreDNS rejected the last change to ConfigMap ${ns}/${cm} (reload failed)`,
      detail:
        'CoreDNS noticed the Corefile changed but could not load it, so it still serves the previous configuration: the change never took effect, and a restarted pod may not start with it. ' +
        (dupes.length > 0
          ? `The Corefile names \`${clip(dupes[0]?.name ?? '', 40)}\` twice in one server block, which CoreDNS refuses.`
          : once && custom
            ? `The Corefile has \`${once}\` once, so the second one comes from a file it imports from ConfigMap ${ns}/coredns-custom (a \`.override\` lands in the main server block).`
            : 'The log line says what CoreDNS refused.'),
      evidence,
      remedies: [
        {
          summary: `Revert the last edit of ConfigMap ${ns}/${cm}${custom ? ` or of ${ns}/coredns-custom, whose files it imports${twice ? ` (a second \`${twice}\` in the same server block breaks reload)` : ''}` : ''}, then check that the reload succeeded.`,
          commands: [
            `kubectl -n ${ns} get configmap ${cm} -o yaml`,
            `kubectl -n ${ns} edit configmap ${cm}`,
            ...(custom ? [`kubectl -n ${ns} edit configmap coredns-custom`] : []),
            reloadLogCommand(e),
          ],
        },
      ],
      weight: 0.7,
    }),
  ];
}

export const check: Check = { id: 'coredns.reload-failed', needs: ['corednsLogs'], run };
