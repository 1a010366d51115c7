import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const BUILD = fileURLToPath(new URL('../../../playbooks/logs/assembly/build.mjs', import.meta.url));

describe('the log scanner module', () => {
  it('is what assembly/scanner.ts compiles to (no stale or hand-edited WebAssembly)', async () => {
    const run = promisify(execFile)(process.execPath, [BUILD, '--check']);
    await expect(run).resolves.toMatchObject({ stderr: '' });
  }, 60_000);
});
