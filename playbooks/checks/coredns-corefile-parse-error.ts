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
  const cm = configMapName(e);
  const deploy = corednsDeploymentName(e);
  const down = corednsDown(e);
  const directive = unknownDirective(ev);
  const where = directive ? allDirectives(e).find((d) => d.name === directive) : undefined;
  const version = seenValue(e.corednsVersion) ?? logs?.version;
  const since = directive ? SINCE[directive] : undefined;

  const evidence: Excerpt[] = [eventExcerpt(ev)];
  if (where) evidence.push(directiveExcerpt(e, where));
  if (version) evidence.push({ source: 'CoreDNS version', text: clip(version, 40) });
  const what = directive
    ? `the \`${directive}\` line${where ? ` (Corefile line ${where.line})` : ''}`
    : 'the line the error names';
  return [
    finding('coredns.corefile-parse-error', {
      severity: down ? 'critical' : 'warning',
      title: `Corefile in ConfigMap ${ns}/${cm} does not parse${directive ? `: unknown directive '${directive}'` : ''}`,
      detail:
        (down
          ? 'CoreDNS exits at start when its Corefile does not parse, so its pods crash-loop and cluster DNS is down. '
          : 'The running pods still use an older Corefile, but the next restart or rollout will crash on this one. ') +
        (directive
          ? `The CoreDNS image does not know the \`${directive}\` plugin${since ? ` (it needs CoreDNS ${since} or later)` : ''}.`
          : 'The error line names the Corefile line at fault.'),
      evidence,
      remedies: [
        {
          summary: `Remove ${what} from ConfigMap ${ns}/${cm}, then restart CoreDNS.`,
          commands: [
            `kubectl -n ${ns} edit configmap ${cm}`,
            `kubectl -n ${ns} rollout restart deployment ${deploy}`,
            `kubectl -n ${ns} rollout status deployment ${deploy}`,
          ],
        },
        {
          summary: `Or upgrade the CoreDNS image of ${ns}/${deploy} to a release that has the plugin${since ? ` (>= ${since})` : ''}.`,
          commands: [
            `kubectl -n ${ns} get deployment ${deploy} -o jsonpath='{.spec.template.spec.containers[*].image}'`,
          ],
        },
      ],
      weight: down ? 0.9 : 0.5,
    }),
  ];
}

export const check: Check = { id: 'coredns.corefile-parse-error', needs: ['corednsLogs'], run };
