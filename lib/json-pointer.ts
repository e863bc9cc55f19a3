// JSON Pointer (RFC 6901): escaping reference tokens, building pointers, and following one through a JSON document.

/** A reference token as a pointer writes it: `~` as `~0`, `/` as `~1` (RFC 6901 §3). */
export function escapePointerToken(token: string): string {
  return token.replaceAll("~", "~0").replaceAll("/", "~1");
}

/** A reference token read back: `~1` before `~0`, so `~01` stays `~1` (RFC 6901 §4). */
export function unescapePointerToken(token: string): string {
  return token.replaceAll("~1", "/").replaceAll("~0", "~");
}

/** The pointer of a path of member names and array indexes: `["a/b", 0]` → `/a~1b/0`; `[]` → `""` (the whole document). */
export function pointerOf(tokens: readonly (string | number)[]): string {
  return tokens.map((token) => `/${escapePointerToken(String(token))}`).join("");
}

/**
 * The reference tokens of a pointer in its JSON string form (`/a/b`) or URI fragment form (`#/a/b`,
 * percent-decoded first: RFC 6901 §6), unescaped. Undefined when it is neither.
 */
export function pointerTokens(pointer: string): string[] | undefined {
  let text = pointer;
  if (text.startsWith("#")) {
    try {
      text = decodeURIComponent(text.slice(1));
    } catch {
      return undefined; // a malformed percent-escape
    }
  }
  if (text === "") return [];
  return text.startsWith("/") ? text.slice(1).split("/").map(unescapePointerToken) : undefined;
}

/** The value a pointer refers to in `document` (own members and array indexes only), or undefined. */
export function resolvePointer(document: unknown, pointer: string): unknown {
  const tokens = pointerTokens(pointer);
  if (tokens === undefined) return undefined;
  let node = document;
  for (const token of tokens) {
    if (Array.isArray(node)) node = /^(0|[1-9]\d*)$/.test(token) ? node[Number(token)] : undefined;
    else if (node !== null && typeof node === "object" && Object.hasOwn(node, token)) node = (node as Record<string, unknown>)[token];
    else return undefined;
  }
  return node;
}
