// Redaction: every form of every secret of an exchange is located in the original text first, then
// each covered stretch is replaced once, so no secret is ever partly replaced inside another.

const redacted = "[REDACTED]";

/**
 * Secrets shorter than this are not searched for: the spec's shortest password (a PIN) has 4
 * characters, and a shorter needle would redact ordinary words and digits.
 */
const minSecretLength = 4;

/**
 * Replaces every occurrence of every secret with `[REDACTED]`. Forms found, mixed freely within
 * one occurrence: raw; JSON string escapes (`\u00e5` or `\u00E5` for any character, surrogate
 * pairs as two escapes, and the short escapes `\" \\ \/ \b \f \n \r \t`), also escaped again
 * (any run of backslashes, raw or as `%5C`, before the escape); percent-encoded UTF-8 (either
 * hex case, `+` for a space). Base64 forms are secrets of their own (the caller passes the
 * Basic credentials). Occurrences may overlap (a password inside a bearer): the union of all
 * matched stretches is replaced, so no piece of either survives.
 */
export function redactSecrets(text: string, secrets: Iterable<string | undefined>): string {
  const spans: [number, number][] = [];
  for (const secret of new Set(secrets)) {
    if (typeof secret !== "string" || secret.length < minSecretLength) continue;
    const pattern = new RegExp(secretPattern(secret), "g");
    for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
      spans.push([match.index, match.index + match[0].length]);
      pattern.lastIndex = match.index + 1; // overlapping occurrences too
    }
  }
  if (spans.length === 0) return text;
  spans.sort((a, b) => a[0] - b[0]);
  let out = "";
  let from = 0;
  for (const [start, end] of spans) {
    if (end <= from) continue;
    if (start >= from) out += text.slice(from, start) + redacted;
    from = end;
  }
  return out + text.slice(from);
}

/** Strings found under any key containing "token", anywhere in a response body. */
export function tokensIn(value: unknown, depth = 0): string[] {
  if (typeof value !== "object" || value === null || depth > 8) return [];
  return Object.entries(value).flatMap(([key, field]) =>
    typeof field === "string" ? (/token/i.test(key) ? [field] : []) : tokensIn(field, depth + 1),
  );
}

const shortEscapes: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", "\b": "b", "\f": "f", "\n": "n", "\r": "r", "\t": "t" };

/** A regular expression source matching `secret` with each character in any of its forms. */
function secretPattern(secret: string): string {
  const encoder = new TextEncoder();
  // A JSON escape's backslash; text escaped twice (a JSON body quoted in a JSON message) has more.
  const backslashes = "(?:\\\\|%5[cC])+";
  let source = "";
  for (const char of secret) {
    const forms = [escapeRegExp(char)];
    for (let i = 0; i < char.length; i++) forms.push(`${backslashes}u${hex(char.charCodeAt(i), 4)}`);
    const short = shortEscapes[char];
    if (short) forms.push(backslashes + escapeRegExp(short));
    // TextEncoder writes a lone surrogate as U+FFFD; it never throws (encodeURIComponent would).
    forms.push(Array.from(encoder.encode(char), (byte) => `%${hex(byte, 2)}`).join(""));
    if (char === " ") forms.push("\\+");
    source += `(?:${forms.join("|")})`;
  }
  return source;
}

/** `n` as hex digits, each letter matching either case. */
function hex(n: number, width: number): string {
  return n
    .toString(16)
    .padStart(width, "0")
    .replace(/[a-f]/g, (d) => `[${d}${d.toUpperCase()}]`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
}
