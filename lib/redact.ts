// Finding a secret in text in all its encoded forms, and redacting it: the client's and the suite's one mechanism.
// Clip, canonicalise (undo JSON escapes, percent-encoding, HTML references), then find every stretch
// sharing 8 characters with any form of a secret (raw, decoded, Latin-1, Base64/Base64url); linear.
import { binaryString } from "./base64.ts";

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

/** Above this many forms, the texts' short substrings are indexed before the forms' edges are searched for. */
const manyForms = 64;

/** Rounds of decoding: enough for a JSON body quoted in a JSON message, percent-encoded twice. */
const canonicalRounds = 4;

/**
 * Caps on what a response can make us treat as secrets (strings under a key containing "token"):
 * how many, their total size in UTF-8 bytes, how deep. Dintero's AccessToken has at most four;
 * beyond the caps the server's text is dropped entirely.
 */
export const tokenCaps = { count: 32, totalBytes: 64 * 1024, depth: 32 } as const;

/**
 * The most UTF-16 units of secret forms compared with the server's text (a 64 KiB token makes
 * about 14 times its bytes in forms: Base64 at three alignments, decoded, normalized). Beyond it
 * all of the server's text is redacted: the time redaction takes is bounded whatever the secrets.
 */
export const formsBudget = 2 * 1024 * 1024;

/**
 * The secrets of one exchange in every form we compare against the canonical text: each secret
 * as given and after each round of decoding (a secret that itself looks encoded shows, echoed
 * encoded again, as any of them), its UTF-8 bytes read as Latin-1 (a server or fetch mis-decoding
 * them, as fetch does for header values), and its Base64 and Base64url, also at the two other
 * byte alignments (the secret inside a larger Base64 blob); each non-ASCII form also in NFC (the
 * text is compared in NFC) and NFKC (a server may have applied SASLprep, RFC 4013, to what it
 * echoes). Forms shorter than 4 characters are dropped: decoding can shrink a secret (a lone BOM
 * decodes to nothing). Built only when there is server text to show; duplicates are not removed
 * (hashing every long form would cost more than scanning it twice). `base64Only`: the Base64 forms alone.
 */
function secretForms(secrets: Iterable<string | undefined>, base64Only?: boolean): string[] | undefined {
  const forms: string[] = [];
  let units = 0;
  const push = (form: string) => {
    forms.push(form);
    units += form.length;
  };
  const add = (form: string, ascii = isAscii(form)) => {
    for (let round = 0; round <= canonicalRounds && form.length >= minSecretLength && units <= formsBudget; round++) {
      push(form);
      if (!ascii) {
        const nfc = form.normalize("NFC");
        const nfkc = form.normalize("NFKC");
        if (nfc !== form) push(nfc);
        if (nfkc !== nfc) push(nfkc);
      }
      const next = decodeOnce(form);
      if (next === form) break;
      form = next;
      ascii &&= !next.includes("%"); // a decoded escape may be anything; "+" -> " " stays ASCII
    }
  };
  for (const secret of secrets) {
    if (typeof secret !== "string" || secret.length < minSecretLength) continue;
    // A secret alone past the budget (a megabyte bearer) is not even encoded.
    if (units + secret.length > formsBudget) return undefined;
    const ascii = isAscii(secret);
    const latin1 = ascii ? secret : binaryString(new TextEncoder().encode(secret));
    if (!base64Only) {
      add(secret, ascii);
      if (latin1 !== secret) add(latin1);
    }
    for (const shift of [0, 1, 2]) {
      if (units > formsBudget) return undefined;
      // With `shift` bytes before it, the first chars mix with them and the last may mix with what follows.
      const base64 = trimPadding(btoa("\0".repeat(shift) + latin1));
      const core = shift === 0 ? base64 : base64.slice(shift + 1, -1);
      add(core, true);
      const url = core.replaceAll("+", "-").replaceAll("/", "_");
      if (url !== core) add(url, true);
    }
  }
  return units > formsBudget ? undefined : forms;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: escaped range: the ASCII check
const isAscii = (text: string) => /^[\x00-\x7f]*$/.test(text);

function trimPadding(base64: string): string {
  let end = base64.length;
  while (end > 0 && base64.charCodeAt(end - 1) === 0x3d) end--;
  return base64.slice(0, end);
}

/**
 * Server text as we show it: at most `maxShown` characters of it (clipped first, so the work is
 * bounded whatever the server sends), canonicalised, in Unicode NFC, with every stretch of at
 * least 8 characters shared with any form of any secret replaced by one `[REDACTED]`, and every
 * whole occurrence of a secret of 4 to 7 characters too. A secret clipped by the server, split
 * over two fields, half-decoded or in another normalization form still shares 8-character runs
 * with itself, so it is caught; and since all stretches are found before any is replaced, no
 * secret is partly replaced inside another.
 */
export function redactServerText(text: string, maxShown: number, secrets: Iterable<string | undefined>): string {
  return redactServerTexts([[text, maxShown]], secrets)[0]!;
}

/**
 * `redactServerText` for the texts of one exchange together (message, code, request id): the
 * forms of the secrets are built once and scanned once for all of them.
 */
export function redactServerTexts(texts: readonly (readonly [text: string, maxShown: number])[], secrets: Iterable<string | undefined>): string[] {
  const forms = secretForms(secrets);
  return redactWith(forms, texts, (canonical) => redactCanonical(canonical, forms!));
}

/**
 * Whether `text`, canonicalised as `redactServerText` reads it, shares a stretch with any form of any
 * secret (the same finding `redactServerText` redacts): for a caller that keeps text as written unless
 * it hides a secret. `base64Only`: look only for the secrets' Base64 and Base64url forms (for text
 * whose words may share a stretch with a password by chance, such as one's own messages).
 */
export function revealsSecret(text: string, secrets: Iterable<string | undefined>, base64Only = false): boolean {
  const forms = secretForms(secrets, base64Only);
  return revealsWith(forms, text, (canonical) => redactCanonical(canonical, forms!));
}

/** Which units of each canonical text a secret's form covers. */
type Cover = (canonical: readonly string[]) => Uint8Array[];

/** Clip, canonicalise and redact `texts` with `cover` (forms undefined: over formsBudget, all of it). */
function redactWith(forms: string[] | undefined, texts: readonly (readonly [text: string, maxShown: number])[], cover: Cover): string[] {
  if (!forms) return texts.map(([text]) => (text === "" ? "" : redacted));
  const shown = texts.map(([text, maxShown]) => {
    const clipped = text.length > maxShown;
    // Clipped between the halves of a surrogate pair, the high half is dropped too.
    const kept = clipped ? text.slice(0, isHigh(text.charCodeAt(maxShown - 1)) ? maxShown - 1 : maxShown) : text;
    return { canonical: canonicalize(kept).normalize("NFC"), clipped };
  });
  const covered = cover(shown.map((t) => t.canonical));
  return shown.map(({ canonical, clipped }, i) => escapeControls(replaceCovered(canonical, covered[i]!)) + (clipped ? "…" : ""));
}

function revealsWith(forms: string[] | undefined, text: string, cover: Cover): boolean {
  if (!forms) return text !== ""; // over formsBudget: assume the worst, as redaction does
  return cover([canonicalize(text).normalize("NFC")])[0]!.includes(1);
}

/** The forms of a set of secrets, built once, for a caller that searches many texts for the same secrets. */
export interface SecretSearch {
  /** `redactServerTexts` for these secrets. */
  redact(texts: readonly (readonly [text: string, maxShown: number])[]): string[];
  /** `revealsSecret` for these secrets. */
  reveals(text: string): boolean;
}

/**
 * A search for `secrets` (in every form; `base64Only`: their Base64 forms alone) that builds their forms
 * once. Searched again, it also indexes the forms' stretches once (when they are at most `indexedUnits`),
 * so that each later text costs its own length rather than the forms' (a report's many header values).
 */
export function secretSearch(secrets: Iterable<string | undefined>, base64Only = false): SecretSearch {
  const forms = secretForms(secrets, base64Only);
  let searched = 0;
  let index: FormsIndex | undefined;
  const cover: Cover = (canonical) => {
    if (++searched === 2 && forms!.reduce((units, form) => units + form.length, 0) <= indexedUnits) index = indexForms(forms!);
    return index ? coverIndexed(canonical, index) : redactCanonical(canonical, forms!);
  };
  return { redact: (texts) => redactWith(forms, texts, cover), reveals: (text) => revealsWith(forms, text, cover) };
}

/** The most UTF-16 units of forms a reused search indexes (a few megabytes of index); beyond, each text scans the forms. */
const indexedUnits = 256 * 1024;

/** The forms' 8-unit stretches (with a filter of their rolling hashes), and what is searched whole: short
 * secrets and the 5- to 7-unit edges of longer ones. */
interface FormsIndex {
  windows: Set<string>;
  filter: Uint8Array;
  needles: Set<string>;
  /** the needles' first two units, hashed: a text position whose two units are not among them starts none */
  starts: Uint8Array;
}

/** The hash of two UTF-16 units, for FormsIndex.starts. */
const pairHash = (a: number, b: number) => (Math.imul(a, 31) + b) & 0xffff;

function indexForms(forms: readonly string[]): FormsIndex {
  const index: FormsIndex = { windows: new Set(), filter: new Uint8Array(8192), needles: new Set(), starts: new Uint8Array(0x10000) };
  for (const form of forms) {
    if (form.length < windowLength) {
      index.needles.add(form);
      continue;
    }
    for (let n = edgeLength; n < windowLength; n++) index.needles.add(form.slice(0, n)).add(form.slice(-n));
    scanWindows(form, index.filter, true, (end) => index.windows.add(form.slice(end - windowLength, end)));
  }
  for (const needle of index.needles) index.starts[pairHash(needle.charCodeAt(0), needle.charCodeAt(1))] = 1;
  return index;
}

/** What `redactCanonical` covers, found with the forms' index: linear in the texts alone. */
function coverIndexed(texts: readonly string[], index: FormsIndex): Uint8Array[] {
  return texts.map((text) => {
    const covered = new Uint8Array(text.length + 1);
    scanWindows(text, index.filter, false, (end) => {
      if (index.windows.has(text.slice(end - windowLength, end))) covered.fill(1, end - windowLength, end);
    });
    if (index.needles.size > 0) {
      for (let i = 0; i + minSecretLength <= text.length; i++) {
        if (!index.starts[pairHash(text.charCodeAt(i), text.charCodeAt(i + 1))]) continue;
        for (let n = minSecretLength; n < windowLength && i + n <= text.length; n++) if (index.needles.has(text.slice(i, i + n))) covered.fill(1, i, i + n);
      }
    }
    return covered;
  });
}

/**
 * Decoding can turn `%0D%0A` or `\u001b` into real control characters; shown as `\uXXXX`, so server
 * text cannot inject lines into a log or commands into a terminal (C0, DEL, C1, line and paragraph
 * separators, bidi controls).
 */
function escapeControls(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escaped ranges: the control and bidi characters this escapes
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** A random odd base for the window hash, per process: a server cannot craft windows that collide. */
const hashBase = (Math.floor(Math.random() * 0x3fffffff) * 2 + 1) | 0;
/** hashBase^(windowLength-1), to take the oldest unit out of a rolling hash. */
let hashOut = 1;
for (let i = 1; i < windowLength; i++) hashOut = Math.imul(hashOut, hashBase);

/**
 * Calls `found(end)` for every 8-unit window of `text` (ending before `end`) whose rolling hash
 * passes `filter`, or for every window when `add` is set (and then sets their bits). One tight
 * pass: two `charCodeAt` and two multiplications per unit, no allocation.
 */
function scanWindows(text: string, filter: Uint8Array, add: boolean, found: (end: number) => void): void {
  let hash = 0;
  for (let i = 0; i < text.length; i++) {
    hash = (Math.imul(hash, hashBase) + text.charCodeAt(i)) | 0;
    if (i < windowLength - 1) continue;
    const slot = hash >>> 19;
    const bit = 1 << ((hash >>> 16) & 7);
    if (add) {
      filter[slot]! |= bit;
      found(i + 1);
    } else if (filter[slot]! & bit) found(i + 1);
    hash = (hash - Math.imul(text.charCodeAt(i - windowLength + 1), hashOut)) | 0;
  }
}

/**
 * Which units of each text a form of a secret covers. Every 8-unit window of the texts is kept by
 * content (at most their shown length in entries), with a 64 Ki-bit filter of their rolling
 * hashes: each form is scanned once, in O(1) per unit without allocating, and only windows the
 * filter lets through are sliced and looked up. Linear in the texts plus the forms.
 */
function redactCanonical(texts: readonly string[], forms: readonly string[]): Uint8Array[] {
  const covered = texts.map((text) => new Uint8Array(text.length + 1));
  const windows = new Map<string, number[]>(); // content -> [text index, start, text index, start, ...]
  const filter = new Uint8Array(8192);
  texts.forEach((text, t) => {
    scanWindows(text, filter, true, (end) => {
      const key = text.slice(end - windowLength, end);
      const at = windows.get(key);
      if (at) at.push(t, end - windowLength);
      else windows.set(key, [t, end - windowLength]);
    });
  });
  // With many forms, every substring of the texts of 4 to 7 units (the lengths a short secret or a
  // secret's edge has) is collected first: a form's edge that is not among them is not searched for
  // (most are not), so the work stays linear. With few forms, searching each edge is cheaper.
  let short: Set<string> | undefined;
  if (forms.length > manyForms) {
    short = new Set<string>();
    for (const text of texts) {
      for (let n = minSecretLength; n < windowLength; n++) for (let i = 0; i + n <= text.length; i++) short.add(text.slice(i, i + n));
    }
  }
  // Every whole occurrence of `needle` in every text (indexOf is linear enough for short needles in short text).
  const markAll = (needle: string) => {
    if (short && !short.has(needle)) return;
    texts.forEach((text, t) => {
      for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) covered[t]!.fill(1, at, at + needle.length);
    });
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
    scanWindows(form, filter, false, (end) => {
      const key = form.slice(end - windowLength, end);
      const hits = windows.get(key);
      if (!hits) return;
      for (let h = 0; h < hits.length; h += 2) covered[hits[h]!]!.fill(1, hits[h + 1]!, hits[h + 1]! + windowLength);
      windows.delete(key); // marked once is enough
    });
  }
  return covered;
}

/** `text` with each covered stretch replaced by one marker, widened to whole surrogate pairs. */
function replaceCovered(text: string, covered: Uint8Array): string {
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
 * Undoes JSON string escapes (`\uXXXX` in either case, the short escapes including `\/`),
 * percent-encoding (either case, UTF-8, `+` for a space) and HTML character references (`&lt;`,
 * `&#39;`, `&#x26;`), a few rounds over for text escaped more than once. One left-to-right scan per round: linear, no backtracking.
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

/** The value of a hex digit's code unit, or -1. */
function hexValue(unit: number): number {
  if (unit >= 0x30 && unit <= 0x39) return unit - 0x30;
  const lower = unit | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : -1;
}

/** One decoder for every percent-encoded run; ignoreBOM: a BOM is text like any other here, never silently dropped. */
const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });

/** HTML character references a server may put around an echo (an error page, an HTML-escaped message):
 * the five named ones XML defines, and numeric ones. Bounded lengths, matched at one position (sticky). */
const HTML_REFERENCE = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|(lt|gt|amp|quot|apos));/y;
const NAMED_REFERENCES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function decodeOnce(text: string): string {
  if (!/[%\\+&]/.test(text)) return text; // nothing to decode: most secrets, and every Base64url form
  if (!/[%\\&]/.test(text)) return text.replaceAll("+", " "); // a Base64 form
  let out = "";
  const n = text.length;
  let i = 0;
  while (i < n) {
    // Copy the stretch up to the next `%`, `\` or `+` whole.
    let j = i;
    for (let unit = text.charCodeAt(j); j < n && unit !== 0x25 && unit !== 0x5c && unit !== 0x2b && unit !== 0x26; unit = text.charCodeAt(++j));
    if (j > i) out += text.slice(i, j);
    if (j >= n) break;
    i = j;
    const unit = text.charCodeAt(i);
    if (unit === 0x26) {
      HTML_REFERENCE.lastIndex = i;
      const m = HTML_REFERENCE.exec(text);
      const code = m?.[1] !== undefined ? Number(m[1]) : m?.[2] !== undefined ? parseInt(m[2], 16) : undefined;
      if (m && m[3] !== undefined) out += NAMED_REFERENCES[m[3].toLowerCase()] ?? m[0];
      else if (m && code !== undefined && code <= 0x10ffff) out += String.fromCodePoint(code);
      else out += m ? m[0] : "&";
      i += m ? m[0].length : 1;
    } else if (unit === 0x2b) {
      out += " ";
      i++;
    } else if (unit === 0x25) {
      // A run of %XX is one UTF-8 byte sequence.
      const bytes: number[] = [];
      while (text.charCodeAt(i) === 0x25 && hexValue(text.charCodeAt(i + 1)) >= 0 && hexValue(text.charCodeAt(i + 2)) >= 0) {
        bytes.push(hexValue(text.charCodeAt(i + 1)) * 16 + hexValue(text.charCodeAt(i + 2)));
        i += 3;
      }
      if (bytes.length > 0) out += utf8.decode(new Uint8Array(bytes));
      else {
        out += "%";
        i++;
      }
    } else {
      const next = text[i + 1] ?? "";
      const short = shortEscapes[next];
      if (
        next === "u" &&
        hexValue(text.charCodeAt(i + 2)) >= 0 &&
        hexValue(text.charCodeAt(i + 3)) >= 0 &&
        hexValue(text.charCodeAt(i + 4)) >= 0 &&
        hexValue(text.charCodeAt(i + 5)) >= 0
      ) {
        out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
      } else if (short !== undefined) {
        out += short;
        i += 2;
      } else {
        out += "\\";
        i++;
      }
    }
  }
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
      total += utf8Length(node);
      if (found.length > tokenCaps.count || total > tokenCaps.totalBytes) overflow = true;
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

/** The length of `text` in UTF-8 bytes (a lone surrogate counts as the 3 bytes of U+FFFD). */
function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) continue;
    if (unit < 0x800) bytes += 1;
    else if (isHigh(unit) && isLow(text.charCodeAt(i + 1))) {
      bytes += 2; // a surrogate pair: 4 bytes for 2 units
      i++;
    } else bytes += 2;
  }
  return bytes;
}
