/**
 * coredns.corefile-parse-error: CoreDNS refuses its Corefile (`Error during parsing: Unknown
 * directive 'ready'`), usually a plugin the running version lacks. At start-up that is fatal:
 * the pods crash-loop and DNS is down. A line older than the containers running now, or followed
 * by a good reload, is history. Guide: "CoreDNS pods are not running as expected".
 */
import type { LogEvent } from '../logs/summary-types.js';
import type { Check } from '../model/check.js';
import type { Evidence } from '../model/evidence.js';
import type { Excerpt, Finding } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import { configMapName, corednsDeploymentName, dnsNamespace } from './support/names.js';
import { clip } from './support/text.js';
import { finding } from './support.js';
import {
  allDirectives,
  corednsDown,
  crashIsHistory,
  directiveExcerpt,
  eventExcerpt,
  events,
  happenedAfter,
} from './support-coredns.js';

/** First release that has the plugin, for the plugins older images most often lack. */
const SINCE: Record<string, string> = { ready: '1.5.0' };

/** Plugins newer images dropped: no upgrade brings them back, the Corefile must change. */
const REMOVED: Record<string, { release: string; use: string }> = {
  proxy: { release: '1.5.0', use: 'forward' },
};

/** `/etc/coredns/custom/corp.server` and `4` from `/etc/coredns/custom/corp.server:4 - Error during parsing: ...`. */
function failingFile(ev: LogEvent): { file: string; line: string } | undefined {
  const m = /(\/[\w./*-]{1,200}):(\d{1,6}) - Error during parsing/.exec(ev.line);
  return m?.[1] && m[2] ? { file: m[1], line: m[2] } : undefined;
}

function unknownDirective(ev: LogEvent): string | undefined {
  const name = ev.detail ?? /Unknown directive '([^']+)'/.exec(ev.line)?.[1];
  return name && /^[\w-]{1,40}$/.test(name) ? name.toLowerCase() : undefined;
}

function run(e: Evidence): Finding[] {
  const logs = seenValue(e.corednsLogs);
  const fixed = events(logs, 'reload-ok');
  const current = events(logs, 'parse-error').filter(
    (ev) => !crashIsHistory(e, ev) && !fixed.some((ok) => happenedAfter(ok, ev)),
  );
  const ev = current.at(-1);
  if (!ev) return [];

  const ns = dnsNamespace(e);
  const deploy = corednsDeploymentName(e);
  const down = corednsDown(e);
  const directive = unknownDirective(ev);
  const where = directive ? allDirectives(e).find((d) => d.name === directive) : undefined;
  const version = seenValue(e.corednsVersion) ?? logs?.version;
  const since = directive ? SINCE[directive] : undefined;
  const removed = directive ? REMOVED[directive] : undefined;
  // A file imported from the user's `coredns-custom` ConfigMap (k3s, AKS), not the Corefile itself.
  const file = failingFile(ev);
  const custom = !where && file?.file.includes('/custom/') ? file : undefined;
  const cm = custom ? 'coredns-custom' : configMapName(e);

  const evidence: Excerpt[] = [eventExcerpt(ev)];
  if (where) evidence.push(directiveExcerpt(e, where));
  if (version) evidence.push({ source: 'CoreDNS version', text: clip(version, 40) });
  const place = where ? `Corefile line ${where.line}` : file ? `${file.file} line ${file.line}` : undefined;
  const what = directive
    ? `the \`${directive}\` line${place ? ` (${place})` : ''}`
    : `the line the error names${place ? ` (${place})` : ''}`;
  const fix = removed
    ? `Replace ${what} in ConfigMap ${ns}/${cm} with \`${removed.use}\` (same arguments for a plain upstream list), then restart CoreDNS.`
    : `Remove ${what} from ConfigMap ${ns}/${cm}, then restart CoreDNS.`;
  return [
    finding('coredns.corefile-parse-error', {
      severity: down ? 'critical' : 'warning',
      title: `Corefile in ConfigMap ${ns}/${cm} does not parse${directive ? `: unknown directive '${directive}'` : ''}`,
      detail:
        (down
          ? 'CoreDNS exits at start when its Corefile does not parse, so its pods crash-loop and cluster DNS is down. '
          : 'The running pods still use an older Corefile, but the next restart or rollout will crash on this one. ') +
        (removed
          ? `The \`${directive}\` plugin was removed from CoreDNS in ${removed.release}; \`${removed.use}\` replaces it.`
          : directive
            ? `The CoreDNS image does not know the \`${directive}\` plugin${since ? ` (it needs CoreDNS ${since} or later)` : ''}.`
            : 'The error line names the Corefile line at fault.') +
        (custom ? ` The line is in ${custom.file}, imported from ConfigMap ${ns}/${cm}.` : ''),
      evidence,
      remedies: [
        {
          summary: fix,
          commands: [
            `kubectl -n ${ns} edit configmap ${cm}`,
            `kubectl -n ${ns} rollout restart deployment ${deploy}`,
            `kubectl -n ${ns} rollout status deployment ${deploy}`,
          ],
        },
        // No release brings a removed plugin back: upgrading is no way out then.
        ...(removed
          ? []
          : [
              {
                summary: `Or upgrade the CoreDNS image of ${ns}/${deploy} to a release that has the plugin${since ? ` (>= ${since})` : ''}.`,
                commands: [
                  `kubectl -n ${ns} get deployment ${deploy} -o jsonpath='{.spec.template.spec.containers[*].image}'`,
                ],
              },
            ]),
      ],
      weight: down ? 0.9 : 0.5,
    }),
  ];
}

export const check: Check = { id: 'coredns.corefile-parse-error', needs: ['corednsLogs'], run };
