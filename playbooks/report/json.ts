/** The report as JSON: the shape documented in docs/report-json.md, stable for scripts. */
import type { Report } from './types.js';

export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
