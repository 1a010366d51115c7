/**
 * The client's libc guessed from its image name, marked inferred: Alpine images use musl (no
 * `single-request`, search-list quirks), Debian, Ubuntu and distroless use glibc. Anything else
 * is unknown until a probe reads it in the container (next issue).
 */
import type { ClientLibc } from '../../playbooks/model/evidence.js';

/** The image's repository path and tag, lower-case, without registry host and digest. */
function nameAndTag(image: string): string {
  const noDigest = (image.split('@')[0] ?? image).toLowerCase();
  const parts = noDigest.split('/');
  // A first part with a dot or a port is a registry host, not part of the image's name.
  if (parts.length > 1 && /[.:]|^localhost$/.test(parts[0] ?? '')) parts.shift();
  return parts.join('/');
}

/** Debian and Ubuntu, also by release codename (`node:20-bookworm`, `python:3.12-slim-bookworm`). */
const GLIBC_WORDS = [
  'distroless',
  'debian',
  'ubuntu',
  'bookworm',
  'bullseye',
  'buster',
  'trixie',
  'jammy',
  'focal',
  'noble',
];

const has = (text: string, word: string) => new RegExp(`(^|[^a-z0-9])${word}([^a-z]|$)`).test(text);

export function inferLibc(image: string | undefined): ClientLibc {
  if (!image) return { libc: 'unknown', inferred: true };
  const text = nameAndTag(image);
  const libc = has(text, 'alpine') ? 'musl' : GLIBC_WORDS.some((w) => has(text, w)) ? 'glibc' : 'unknown';
  return { libc, inferred: true, image };
}
