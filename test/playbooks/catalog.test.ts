import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../playbooks/catalog.js';

const doc = readFileSync(new URL('../../docs/failure-catalog.md', import.meta.url), 'utf8');
const rows = [...doc.matchAll(/^\| `([a-z0-9.-]+)` \| (cause|advisory)\b/gm)].map((m) => [m[1], m[2]]);

describe('catalog', () => {
  it('lists every row of docs/failure-catalog.md with its kind', () => {
    expect(rows.length).toBeGreaterThan(35);
    for (const [id, kind] of rows) {
      expect(CATALOG[id as keyof typeof CATALOG]?.kind, id).toBe(kind);
    }
  });

  it('has no id the document lacks', () => {
    const documented = new Set(rows.map(([id]) => id));
    expect(Object.keys(CATALOG).filter((id) => !documented.has(id))).toEqual([]);
  });
});
