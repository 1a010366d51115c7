/** How `explain` answers: the classification of a client error in plain words, per surface. */
import type { ErrorClassification } from '../parsers/client-error.js';
import { markdownEscape as esc, terminalSafe as safe } from './sanitize.js';
import { painter, type TextStyle } from './text.js';

const CATEGORY_TITLES: Record<ErrorClassification['category'], string> = {
  nxdomain: 'The name does not exist (NXDOMAIN)',
  'no-server': 'No DNS server answered (timeout or unreachable)',
  'server-error': 'The DNS server answered with an error',
  temporary: 'Temporary failure: a timeout or a server error (cannot tell which)',
  truncated: 'The answer was truncated',
  ambiguous: 'Either the name does not exist or no server answered (cannot tell which)',
  unknown: 'Not a DNS error this tool recognises',
};

export function categoryTitle(c: ErrorClassification): string {
  const base = CATEGORY_TITLES[c.category];
  return c.category === 'server-error' && c.rcode ? `${base}: ${c.rcode}` : base;
}

function facts(c: ErrorClassification): [string, string][] {
  const rows: [string, string][] = [['Client', c.toolLabel]];
  if (c.name) rows.push(['Name', c.name]);
  if (c.server) rows.push(['DNS server', c.server]);
  if (c.rcode) rows.push(['Response code', c.rcode]);
  return rows;
}

export function renderExplainText(c: ErrorClassification, style: TextStyle): string {
  const paint = painter(style);
  const colour = c.category === 'unknown' ? 'yellow' : 'bold';
  const out = [paint(colour, categoryTitle(c))];
  for (const [k, v] of facts(c)) out.push(`  ${paint('dim', `${k}:`)} ${safe(v)}`);
  out.push('', safe(c.meaning), '', `${paint('bold', 'Next step:')} ${safe(c.nextStep)}`);
  return `${out.join('\n')}\n`;
}

export function renderExplainMarkdown(c: ErrorClassification): string {
  const out = [`**${esc(categoryTitle(c))}**`, ''];
  for (const [k, v] of facts(c)) out.push(`- ${k}: ${esc(v)}`);
  out.push('', esc(c.meaning), '', `Next step: ${esc(c.nextStep)}`);
  return `${out.join('\n')}\n`;
}
