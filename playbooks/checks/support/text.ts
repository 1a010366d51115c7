/**
 * Untrusted text (log lines, object fields, probe samples) made fit to quote in a finding: no
 * control characters, short, and one line unless the caller quotes several lines of a file.
 */
import type { Excerpt } from '../../model/finding.js';

/** The longest excerpt a finding quotes. */
export const MAX_EXCERPT = 300;

const CONTROL = /[\u0000-\u001f\u007f]+/g;
const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f]+/g;

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** One line, control characters blanked, at most `max` characters: for titles, names and excerpts. */
export function clip(text: string, max = MAX_EXCERPT): string {
  return shorten(text.replace(CONTROL, ' ').trim(), max);
}

/** Like `clip`, but keeps line breaks: for quoting several lines of a file (a resolv.conf). */
export function clipLines(text: string, max = MAX_EXCERPT): string {
  return shorten(text.replace(CONTROL_BUT_NEWLINE, ' ').trim(), max);
}

/** An excerpt of untrusted text: the source on one line, the text clipped (line breaks kept). */
export function quote(source: string, text: string): Excerpt {
  return { source: clip(source, 120), text: clipLines(text) };
}
