import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { summarizeStream } from '../../cli/log-reader.js';
import * as L from '../playbooks/logs/samples.js';

/** A stream that gives `head`, then fails as a broken pipe or disk would. */
function failingAfter(head: Buffer): Readable {
  const stream = new Readable({ read() {} });
  stream.push(head);
  setTimeout(() => stream.destroy(Object.assign(new Error('simulated read error'), { code: 'EIO' })), 20);
  return stream;
}

describe('summarizeStream', () => {
  const log = Buffer.from(`${L.QUERY_1_6_3}\n`.repeat(2000));

  it.each([
    ['plain', log],
    ['gzip', gzipSync(log)],
  ])(
    'rejects with the read error when %s input fails midway (no unhandled error event)',
    async (_, bytes) => {
      await expect(summarizeStream(failingAfter(bytes.subarray(0, 40)), {})).rejects.toMatchObject({
        code: 'EIO',
      });
    },
  );

  it('reads gzip that arrives a byte at a time', async () => {
    const gz = gzipSync(log);
    const oneByOne = Readable.from(
      (function* () {
        for (const b of gz) yield Buffer.from([b]);
      })(),
    );
    const summary = await summarizeStream(oneByOne, {});
    expect(summary).toMatchObject({ lines: 2000, queries: 2000 });
  });
});
