// What is unusual about a generated input, never the input itself: lengths in the three units servers
// count in (code points, UTF-16 units, UTF-8 bytes) and the classes of characters that trip servers up.
// A finding of a generated case carries this line, so a person can act on it without seeing a password.

const FEATURES: Array<[string, RegExp]> = [
  ["characters outside the BMP", /[\u{10000}-\u{10FFFF}]/u],
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL, escaped: the feature this label names
  ["NUL", /\u0000/],
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escaped control ranges: the feature this label names
  ["other control characters", /[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f]/],
  ["line breaks or tabs", /[\n\r\t]/],
  ["zero-width characters", /[\u200b-\u200d\u2060\ufeff]/],
  ["combining marks", /\p{M}/u],
  ["leading or trailing whitespace", /^\s|\s$/],
  ["quotes or backslashes", /["'\\]/],
  ["HTML-special characters", /[<>&]/],
  ["URL-special characters", /[%+]/],
];

/** What a server might trip over in a string: non-ASCII and the features above (empty: plain). */
export function unusualFeatures(value: string): string[] {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escaped range: everything outside ASCII
  return [...(/[^\x00-\x7f]/.test(value) ? ["non-ASCII"] : []), ...FEATURES.filter(([, re]) => re.test(value)).map(([label]) => label)];
}

/** "password: 255 code points, 258 UTF-16 units, 510 UTF-8 bytes, characters outside the BMP" */
export function describeString(name: string, value: string): string {
  const codePoints = [...value].length;
  const parts = [`${codePoints} code points`];
  if (value.length !== codePoints) parts.push(`${value.length} UTF-16 units`);
  const bytes = Buffer.byteLength(value, "utf8");
  if (bytes !== codePoints) parts.push(`${bytes} UTF-8 bytes`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escaped range: everything outside ASCII
  if (/[^\x00-\x7f]/.test(value)) parts.push("non-ASCII");
  for (const [label, re] of FEATURES) if (re.test(value)) parts.push(label);
  return `${name}: ${parts.join(", ")}`;
}

/** A description of every string field of a body that is not plain printable ASCII, and always of the
 * `alwaysDescribe` fields (the password: its length is what generated cases vary). */
export function describeInput(body: unknown, alwaysDescribe: ReadonlySet<string> = new Set()): string {
  if (Array.isArray(body)) return `body: a JSON array of ${body.length}`;
  if (body === null || typeof body !== "object") return `body: a JSON ${body === null ? "null" : typeof body}`;
  const out: string[] = [];
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (typeof value !== "string") {
      out.push(`${name}: a JSON ${value === null ? "null" : Array.isArray(value) ? "array" : typeof value}`);
      continue;
    }
    if (alwaysDescribe.has(name) || !/^[\x20-\x7e]*$/.test(value) || /^\s|\s$/.test(value)) out.push(describeString(name, value));
  }
  return out.length ? out.join("; ") : "every field plain printable ASCII";
}
