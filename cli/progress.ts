/**
 * Live step-by-step progress of a diagnosis on a terminal (standard error, so standard output
 * stays clean for --output json). Silent when standard error is not a terminal.
 */
import type { Writable } from 'node:stream';

export interface ProgressEvent {
  step: string;
  status: 'started' | 'done' | 'failed';
  detail?: string;
}

export function terminalProgress(
  stream: Writable & { isTTY?: boolean },
  colour: boolean,
): (e: ProgressEvent) => void {
  if (!stream.isTTY) return () => {};
  const started = new Map<string, number>();
  const paint = (code: number, s: string) => (colour ? `\u001b[${code}m${s}\u001b[0m` : s);
  return (e) => {
    if (e.status === 'started') {
      started.set(e.step, Date.now());
      return;
    }
    const ms = Date.now() - (started.get(e.step) ?? Date.now());
    const mark = e.status === 'done' ? paint(32, '  ok  ') : paint(33, '  --  ');
    // Details come from the cluster (error texts): keep them on one line, without control characters.
    const detail = e.detail
      ? `: ${e.detail.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').slice(0, 160)}`
      : '';
    stream.write(`${mark}${e.step}${detail} ${paint(2, `(${ms} ms)`)}\n`);
  };
}
