/**
 * Untrusted text (log lines, object fields) made safe for a terminal: no escape sequences, and
 * no bidirectional overrides that would show text in another order than it is.
 */
export function terminalSafe(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '?');
}

/** A field shown on one line: as terminalSafe, and its line breaks and tabs as spaces. */
export function oneLine(text: string): string {
  return terminalSafe(text.replace(/[\n\t]/g, ' '));
}

/** A Markdown code fence longer than any backtick run inside `text`, so the text cannot end it. */
export function fenceFor(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(Math.max(3, longest + 1));
}

/** Plain Markdown text with the characters that would become markup escaped. */
export function markdownEscape(text: string): string {
  return terminalSafe(text).replace(/([\\`*_{}[\]()#+!|<>~])/g, '\\$1');
}
