import { describe, expect, it } from 'vitest';
import { clip, clipLines, MAX_EXCERPT, quote } from '../../../../playbooks/checks/support/text.js';

describe('support/text', () => {
  it('flattens and shortens untrusted text', () => {
    expect(clip('a\nb\u0007c')).toBe('a b c');
    expect(clip('x'.repeat(400))).toHaveLength(300);
  });

  it('keeps excerpts on one line, short, with an ellipsis when cut', () => {
    const text = clip(`a\nb\u001b[31m${'x'.repeat(500)}`);
    expect(text).toMatch(/^a b \[31mx+…$/);
    expect(text.length).toBe(MAX_EXCERPT);
  });

  it('trims and leaves short clean text alone', () => {
    expect(clip('  coredns-abc \r\n')).toBe('coredns-abc');
    expect(clip('ok', 2)).toBe('ok');
    expect(clip('long', 3)).toBe('lo…');
  });

  it('keeps line breaks only where asked, still blanking the other control characters', () => {
    expect(clipLines('nameserver 10.96.0.10\nsearch a\u001b[2Jb\r')).toBe(
      'nameserver 10.96.0.10\nsearch a [2Jb',
    );
    expect(clipLines('x'.repeat(400))).toHaveLength(300);
  });

  it('quotes a source on one line and its text with its lines', () => {
    expect(quote(`resolv.conf of\n${'p'.repeat(200)}`, 'nameserver 1.1.1.1\nsearch x')).toEqual({
      source: `resolv.conf of ${'p'.repeat(104)}…`,
      text: 'nameserver 1.1.1.1\nsearch x',
    });
  });
});
