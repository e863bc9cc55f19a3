// Where a request schema states its validation rules: every keyword at every instance location (properties at
// any depth, array items, allOf/anyOf/oneOf branches), and values that keep or break exactly one of them. The
// suite derives its keyword cases (mutations.ts, keyword-cases.ts) and its coverage (coverage.ts) from these,
// so a rule a maintainer adds to the spec is tested and counted by the next run with no code change.
import fc from "fast-check";
import type { Json } from "./spec.ts";

export type Schema = Json & {
  properties?: Record<string, Json>;
  required?: string[];
  enum?: unknown[];
  type?: string | string[];
  items?: Json;
};

/** The validation keywords the suite derives cases from and counts in its coverage (JSON Schema 2020-12). */
export const VALIDATION_KEYWORDS = [
  "type",
  "enum",
  "const",
  "pattern",
  "format",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "required",
  "additionalProperties",
  "anyOf",
  "oneOf",
] as const;
export type ValidationKeyword = (typeof VALIDATION_KEYWORDS)[number];

/** One rule of a schema: a keyword at an instance location ("/email", "/address/zip", "/items/*"). */
export interface KeywordSite {
  /** the instance path as property names ("*" for any array index) */
  path: string[];
  keyword: ValidationKeyword;
  /** the keyword's value */
  value: unknown;
  /** the schema that states it (the first one, where several do) */
  schema: Schema;
  /** JSON pointers (into the schema walked) of every place that states this keyword for this path, as
   * Ajv's `schemaPath` names them without the keyword ("#/properties/email") */
  schemaPointers: string[];
}

export const pointerOf = (path: readonly string[]) => path.map((p) => `/${p.replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");

/** Every keyword site of a schema, deduplicated by path and keyword (the first schema stating it wins). */
export function keywordSites(schema: Schema): KeywordSite[] {
  const out = new Map<string, KeywordSite>();
  const walk = (s: Schema | undefined, path: string[], at: string) => {
    if (!s || typeof s !== "object") return;
    for (const keyword of VALIDATION_KEYWORDS) {
      if (s[keyword] === undefined) continue;
      // additionalProperties: true (or a schema) states no rule a request can break by adding a property
      if (keyword === "additionalProperties" && s[keyword] !== false) continue;
      const key = `${pointerOf(path)} ${keyword}`;
      const site = out.get(key);
      if (site) site.schemaPointers.push(at);
      else out.set(key, { path, keyword, value: s[keyword], schema: s, schemaPointers: [at] });
    }
    for (const [name, sub] of Object.entries(s.properties ?? {})) walk(sub as Schema, [...path, name], `${at}/properties${pointerOf([name])}`);
    if (s.items && typeof s.items === "object") walk(s.items as Schema, [...path, "*"], `${at}/items`);
    for (const key of ["allOf", "anyOf", "oneOf"]) if (Array.isArray(s[key])) (s[key] as Schema[]).forEach((b, i) => walk(b, path, `${at}/${key}/${i}`));
  };
  walk(schema, [], "#");
  return [...out.values()];
}

/** The value at a path of a JSON value ("*": the first element), or undefined. */
export function valueAt(value: unknown, path: readonly string[]): unknown {
  let node = value;
  for (const p of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = Array.isArray(node) ? (p === "*" ? node[0] : undefined) : (node as Record<string, unknown>)[p];
  }
  return node;
}

/** A copy of `value` with the member at `path` set (or removed, for `undefined`); undefined when a parent is missing. */
export function withValueAt(value: unknown, path: readonly string[], next: unknown): unknown {
  if (!path.length) return next;
  if (value === null || typeof value !== "object") return undefined;
  const [head, ...rest] = path as [string, ...string[]];
  if (Array.isArray(value)) {
    if (head !== "*" || !value.length) return undefined;
    const inner = withValueAt(value[0], rest, next);
    return inner === undefined && rest.length ? undefined : [inner, ...value.slice(1)];
  }
  const copy = { ...(value as Record<string, unknown>) };
  if (rest.length) {
    const inner = withValueAt(copy[head], rest, next);
    if (inner === undefined) return undefined;
    copy[head] = inner;
  } else if (next === undefined) delete copy[head];
  else copy[head] = next;
  return copy;
}

/** Ajv's instancePath with array indexes as "*", to compare with a site's path. */
export const instancePathOf = (ajvPath: string) =>
  pointerOf(
    ajvPath
      .split("/")
      .slice(1)
      .map((p) => (/^\d+$/.test(p) ? "*" : p.replaceAll("~1", "/").replaceAll("~0", "~"))),
  );

/** Characters that servers count, trim, strip or normalise otherwise than JSON Schema does (code points,
 * exact): each class fills a value at a length bound (issue: sanitising before the length check). */
export const CHARACTER_CLASSES: ReadonlyArray<{ id: string; what: string; char: string; width?: number }> = [
  { id: "whitespace", what: "spaces (trimmed or stripped by some servers)", char: " " },
  { id: "zero_width", what: "zero-width spaces U+200B (stripped by some servers)", char: "\u200b" },
  // e + U+0301 is two code points; NFC makes it one (é)
  { id: "combining", what: "e + combining acute accents U+0301 (NFC-normalised to fewer code points by some servers)", char: "e\u0301", width: 2 },
  { id: "astral", what: "characters outside the BMP (two UTF-16 units, four UTF-8 bytes each)", char: "😀" },
];

/** A string of exactly `n` code points made of a class's characters, ending in one ASCII letter when
 * there is room (so that trimming or stripping visibly shortens it). */
export function classString(cls: (typeof CHARACTER_CLASSES)[number], n: number): string {
  if (n <= 0) return "";
  const width = cls.width ?? 1;
  const room = n - 1;
  const whole = Math.floor(room / width);
  return cls.char.repeat(whole) + "a".repeat(room - whole * width) + "a";
}

/** Ways to change one identifier so that only a regex dialect other than ECMA-262, or a normalising
 * comparison, would still take it: each is kept only where the spec's own pattern refuses it. */
export const LENIENT_DIALECT_CHANGES: ReadonlyArray<{ id: string; what: string; change(v: string): string | undefined }> = [
  // Python's and PCRE's `$` (and Ruby's) also match before a final newline; ECMA-262's does not
  { id: "trailing_newline", what: "a newline after the value (a `$` that matches before a final newline takes it)", change: (v) => `${v}\n` },
  // Python's \d (and \w) match every Unicode digit; ECMA-262's \d is [0-9], even with the u flag
  {
    id: "unicode_digits",
    what: "its digits as Arabic-Indic digits (a Unicode-aware \\d takes them)",
    change: (v) => (/\d/.test(v) ? v.replace(/\d/g, (d) => String.fromCodePoint(0x660 + Number(d))) : undefined),
  },
  {
    id: "fullwidth_digits",
    what: "its digits as fullwidth digits (NFKC normalises them to ASCII)",
    change: (v) => (/\d/.test(v) ? v.replace(/\d/g, (d) => String.fromCodePoint(0xff10 + Number(d))) : undefined),
  },
  { id: "surrounding_space", what: "a space before and after (a server that trims takes it)", change: (v) => ` ${v} ` },
];

/** Values that break a pattern, most telling first: the dialect changes, then generic edits of a valid value. */
export function patternBreakers(valid: string): Array<{ id: string; what: string; value: string }> {
  const out: Array<{ id: string; what: string; value: string }> = [];
  for (const c of LENIENT_DIALECT_CHANGES) {
    const v = c.change(valid);
    if (v !== undefined) out.push({ id: c.id, what: c.what, value: v });
  }
  const first = [...valid][0] ?? "";
  const swapped = first.toUpperCase() !== first ? first.toUpperCase() : first.toLowerCase();
  out.push(
    { id: "case", what: "its first letter in the other case", value: swapped + valid.slice(first.length) },
    { id: "truncated", what: "its last character removed", value: [...valid].slice(0, -1).join("") },
    { id: "first_removed", what: "its first character removed", value: [...valid].slice(1).join("") },
    { id: "punctuation", what: "a character no identifier pattern expects (!)", value: `!${valid}` },
    { id: "empty", what: "the empty string", value: "" },
  );
  return out;
}

/** Strings matching an ECMA-262 pattern (fast-check's stringMatching, seeded), for positive cases. */
export function matchingStrings(pattern: string, seed: number, count: number): string[] {
  try {
    return fc.sample(fc.stringMatching(new RegExp(pattern, "u")), { seed, numRuns: count });
  } catch {
    return [];
  }
}

/** `valid` brought to exactly `n` code points by repeating one of its own characters (or `fill`) at some
 * position, checked by `isValid`: a value at a length bound that still satisfies the property's other rules. */
export function stretchTo(valid: string, n: number, isValid: (v: string) => boolean, fill?: string): string | undefined {
  const cps = [...valid];
  if (cps.length === n) return isValid(valid) ? valid : undefined;
  if (cps.length > n) {
    for (let i = 0; i < cps.length; i++) {
      const cut = [...cps.slice(0, i), ...cps.slice(i + (cps.length - n))].join("");
      if (isValid(cut)) return cut;
    }
    return undefined;
  }
  const fills = fill !== undefined ? [fill] : [...new Set(cps)];
  for (const f of fills) {
    const width = [...f].length;
    if ((n - cps.length) % width) continue;
    const repeat = f.repeat((n - cps.length) / width);
    for (let i = 0; i <= cps.length; i++) {
      const v = [...cps.slice(0, i), repeat, ...cps.slice(i)].join("");
      if (isValid(v)) return v;
    }
  }
  return undefined;
}
