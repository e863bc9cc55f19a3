// Redaction of server text we repeat: clip, canonicalise (undo JSON escapes and percent-encoding),
// then replace every stretch sharing 8 characters with a secret; linear in text and secrets.

const redacted = "[REDACTED]";

/** Stretches of this many UTF-16 units shared with a secret are redacted. */
export const windowLength = 8;

/**
 * Secrets shorter than `windowLength` (a 4-digit PIN) are redacted wherever they occur whole;
 * shorter than this they are not searched for: a 3-character needle would redact ordinary words.
 */
const minSecretLength = 4;

/** The shortest start or end of a longer secret that is redacted on its own (a clipped or split echo). */
const edgeLength = 5;

/** Rounds of decoding: enough for a JSON body quoted in a JSON message, percent-encoded twice. */
const canonicalRounds = 4;

/**
 * Caps on what a response can make us treat as secrets (strings under a key containing "token").
 * Dintero's AccessToken has at most four; beyond the caps the server's text is dropped entirely.
 */
export const tokenCaps = { count: 32, totalLength: 64 * 1024, depth: 32 } as const;

/**
 * The secrets of one exchange in every form we compare against the canonical text: each secret
 * as given and after each round of decoding (a secret that itself looks encoded shows, echoed
 * encoded again, as any of them), its UTF-8 bytes read as Latin-1 (a server or fetch mis-decoding
 * them, as fetch does for header values), and its Base64 and Base64url, also at the two other
 * byte alignments (the secret inside a larger Base64 blob). Forms shorter than 4 characters are
 * dropped: decoding can shrink a secret (a lone BOM decodes to nothing). Built only when there is
 * server text to show.
 */
function secretForms(secrets: Iterable<string | undefined>): Set<string> {
  const forms = new Set<string>();
  const add = (form: string) => {
    for (let round = 0; round <= canonicalRounds && form.length >= minSecretLength; round++) {
      forms.add(form);
      const next = decodeOnce(form);
      if (next === form) break;
      form = next;
    }
  };
  for (const secret of secrets) {
    if (typeof secret !== "string" || secret.length < minSecretLength) continue;
    const utf8 = new TextEncoder().encode(secret);
    let latin1 = "";
    for (const byte of utf8) latin1 += String.fromCharCode(byte);
    add(secret);
    add(latin1);
    for (const shift of [0, 1, 2]) {
      // With `shift` bytes before it, the first chars mix with them and the last may mix with what follows.
      const base64 = btoa("\0".repeat(shift) + latin1).replace(/=+$/, "");
      const core = shift === 0 ? base64 : base64.slice(shift + 1, -1);
      add(core);
      add(core.replace(/\+/g, "-").replace(/\//g, "_"));
    }
  }
  return forms;
}

/**
 * Server text as we show it: at most `maxShown` characters of it (clipped first, so the work is
 * bounded whatever the server sends), canonicalised, with every stretch of at least 8
 * characters shared with any form of any secret replaced by one `[REDACTED]`, and every whole
 * occurrence of a secret of 4 to 7 characters too. A secret clipped by the server, split over
 * two fields, or half-decoded still shares 8-character runs with itself, so it is caught; and
 * since all stretches are found before any is replaced, no secret is partly replaced inside
 * another.
 */
export function redactServerText(text: string, maxShown: number, secrets: Iterable<string | undefined>): string {
  const clipped = text.length > maxShown;
  const canonical = canonicalize(clipped ? text.slice(0, maxShown) : text);
  return escapeControls(redactCanonical(canonical, secretForms(secrets))) + (clipped ? "…" : "");
}

/**
 * Decoding can turn `%0D%0A` or `\u001b` into real control characters; shown as `\uXXXX`, so server
 * text cannot inject lines into a log or commands into a terminal (C0, DEL, C1, line and paragraph
 * separators, bidi controls).
 */
function escapeControls(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function redactCanonical(text: string, forms: Set<string>): string {
  const covered = new Uint8Array(text.length + 1);
  // Every 8-unit window of the text, by content: at most maxShown entries.
  const windows = new Map<string, number[]>();
  for (let i = 0; i + windowLength <= text.length; i++) {
    const key = text.slice(i, i + windowLength);
    const at = windows.get(key);
    if (at) at.push(i);
    else windows.set(key, [i]);
  }
  const mark = (start: number, end: number) => covered.fill(1, start, end);
  // Every whole occurrence of `needle` (indexOf is linear enough for short needles in short text).
  const markAll = (needle: string) => {
    if (needle.length === 0) return;
    for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) mark(at, at + needle.length);
  };
  for (const form of forms) {
    if (form.length < windowLength) {
      markAll(form); // a short secret (a PIN): whole occurrences
      continue;
    }
    // A secret clipped or split by the server shows a start or an end of itself: redact 5 to 7
    // characters at either end too (4 would hit ordinary words too often); the rest is 8-windows.
    for (let n = edgeLength; n < windowLength; n++) {
      markAll(form.slice(0, n));
      markAll(form.slice(-n));
    }
    if (windows.size === 0) continue;
    for (let i = 0; i + windowLength <= form.length; i++) {
      const hits = windows.get(form.slice(i, i + windowLength));
      if (!hits) continue;
      for (const at of hits) mark(at, at + windowLength);
      windows.delete(form.slice(i, i + windowLength)); // marked once is enough
    }
  }
  let out = "";
  for (let i = 0; i < text.length; ) {
    if (!covered[i]) {
      out += text[i++];
      continue;
    }
    // Widen to whole surrogate pairs, so no half of a character is left beside the marker.
    if (out.length > 0 && isHigh(out.charCodeAt(out.length - 1)) && isLow(text.charCodeAt(i))) out = out.slice(0, -1);
    while (covered[i] && i < text.length) i++;
    if (i < text.length && isLow(text.charCodeAt(i)) && isHigh(text.charCodeAt(i - 1))) i++;
    out += redacted;
  }
  return out;
}

const isHigh = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
const isLow = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;

const shortEscapes: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

/**
 * Undoes JSON string escapes (`\uXXXX` in either case, the short escapes including `\/`) and
 * percent-encoding (either case, UTF-8, `+` for a space), a few rounds over for text escaped more
 * than once. One left-to-right scan per round: linear, no backtracking.
 */
export function canonicalize(text: string): string {
  let current = text;
  for (let round = 0; round < canonicalRounds; round++) {
    const next = decodeOnce(current);
    if (next === current) break;
    current = next;
  }
  return current;
}

const hexDigit = /^[0-9A-Fa-f]$/;

function decodeOnce(text: string): string {
  let out = "";
  let bytes: number[] = [];
  const flushBytes = () => {
    // ignoreBOM: a BOM is text like any other here, never silently dropped.
    if (bytes.length > 0) out += new TextDecoder("utf-8", { ignoreBOM: true }).decode(new Uint8Array(bytes));
    bytes = [];
  };
  for (let i = 0; i < text.length; ) {
    const char = text[i]!;
    if (char === "%" && hexDigit.test(text[i + 1] ?? "") && hexDigit.test(text[i + 2] ?? "")) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 3;
      continue;
    }
    flushBytes();
    if (char === "\\") {
      const next = text[i + 1] ?? "";
      const hex = text.slice(i + 2, i + 6);
      if (next === "u" && /^[0-9A-Fa-f]{4}$/.test(hex)) {
        out += String.fromCharCode(parseInt(hex, 16));
        i += 6;
        continue;
      }
      const short = shortEscapes[next];
      if (short !== undefined) {
        out += short;
        i += 2;
        continue;
      }
    }
    out += char === "+" ? " " : char;
    i++;
  }
  flushBytes();
  return out;
}

/**
 * Every string under a key containing "token" (any case), at any depth and inside arrays: the
 * response's own secrets. Undefined when the body holds more than `tokenCaps` allow (or nests
 * deeper): then the caller shows none of the server's text rather than risk a leak.
 */
export function tokensIn(value: unknown): string[] | undefined {
  const found: string[] = [];
  let total = 0;
  let overflow = false;
  const visit = (node: unknown, underToken: boolean, depth: number): void => {
    if (overflow) return;
    if (typeof node === "string") {
      if (!underToken) return;
      found.push(node);
      total += node.length;
      if (found.length > tokenCaps.count || total > tokenCaps.totalLength) overflow = true;
      return;
    }
    if (typeof node !== "object" || node === null) return;
    if (depth > tokenCaps.depth) {
      overflow = true;
      return;
    }
    if (Array.isArray(node)) for (const item of node) visit(item, underToken, depth + 1);
    else for (const [key, field] of Object.entries(node)) visit(field, underToken || /token/i.test(key), depth + 1);
  };
  visit(value, false, 0);
  return overflow ? undefined : found;
}
