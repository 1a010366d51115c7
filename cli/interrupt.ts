/**
 * Ctrl-C (or SIGTERM) while probe pods run: the first one stops the waiting and lets every probe
 * pod be deleted, then the command ends with what it has; a second one exits at once (the pods'
 * activeDeadlineSeconds and label still let them be collected).
 */
import type { Writable } from 'node:stream';

export interface Interrupt {
  signal: AbortSignal;
  dispose(): void;
}

export function onInterrupt(stderr: Writable): Interrupt {
  const controller = new AbortController();
  const handler = () => {
    if (controller.signal.aborted) process.exit(130);
    stderr.write('dnsmedic: stopping; deleting probe pods first (again to quit now)\n');
    controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
