// Media types (RFC 9110 §8.3.1): parsed, compared without their parameters, type and subtype in any case, the charset read.

export interface MediaType {
  /** `type/subtype`, lower-cased: what two media types are compared by. */
  essence: string;
  type: string;
  subtype: string;
  /** Parameter names lower-cased (RFC 9110 §5.6.6); values unquoted, case kept (only charset's is case-insensitive). */
  parameters: Map<string, string>;
}

// token = 1*tchar (RFC 9110 §5.6.2), written out in literals so a bundle that uses only mediaTypeOf or
// isJsonMediaType drops them (a `new RegExp` built from a shared string would stay).
const TYPE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\/([!#$%&'*+.^_`|~0-9A-Za-z-]+)/;
const PARAMETER = /^[ \t]*;[ \t]*(?:([!#$%&'*+.^_`|~0-9A-Za-z-]+)=(?:([!#$%&'*+.^_`|~0-9A-Za-z-]+)|"((?:[^"\\]|\\.)*)"))?/;

/**
 * `media-type = type "/" subtype parameters`, `parameters = *( OWS ";" OWS [ parameter ] )`,
 * `parameter = name "=" ( token / quoted-string )` (RFC 9110 §8.3.1, §5.6.6), OWS around the whole
 * value allowed. Undefined when `value` is not one media type (a list joined by commas is not).
 * The first of a repeated parameter wins.
 */
export function parseMediaType(value: string | null | undefined): MediaType | undefined {
  const text = (value ?? "").replace(/^[ \t]+|[ \t]+$/g, "");
  const head = TYPE.exec(text);
  if (!head) return undefined;
  const parameters = new Map<string, string>();
  let rest = text.slice(head[0].length);
  while (rest !== "") {
    const m = PARAMETER.exec(rest);
    if (!m || m[0] === "") return undefined;
    const name = m[1]?.toLowerCase();
    if (name !== undefined && !parameters.has(name)) parameters.set(name, m[2] ?? m[3]!.replace(/\\(.)/g, "$1"));
    rest = rest.slice(m[0].length);
  }
  const [type, subtype] = [head[1]!.toLowerCase(), head[2]!.toLowerCase()];
  return { essence: `${type}/${subtype}`, type, subtype, parameters };
}

/** "application/json; charset=utf-8" → "application/json": the lower-cased text before any parameter, undefined when empty. */
export function mediaTypeOf(header: string | null | undefined): string | undefined {
  return header?.split(";")[0]?.trim().toLowerCase() || undefined;
}

/** Whether two media types are the same, parameters aside (`application/JSON; charset=utf-8` is `application/json`). */
export function sameMediaType(a: string | null | undefined, b: string | null | undefined): boolean {
  const essence = mediaTypeOf(a);
  return essence !== undefined && essence === mediaTypeOf(b);
}

/** JSON: `application/json` or any `+json` structured syntax suffix (RFC 6839 §3.1), parameters aside. */
export function isJsonMediaType(value: string | null | undefined): boolean {
  const essence = mediaTypeOf(value) ?? "";
  return essence === "application/json" || /^[^/]+\/[^/]+\+json$/.test(essence);
}

/** The `charset` parameter, lower-cased (charset names are case-insensitive, RFC 9110 §8.3.2), or undefined. */
export function charsetOf(value: string | null | undefined): string | undefined {
  return parseMediaType(value)?.parameters.get("charset")?.toLowerCase();
}

/**
 * The media type a Fetch-standard client extracts from a (possibly combined) Content-Type value: the
 * essence of the last comma-separated part that is a type/subtype (Fetch standard, "extract a MIME
 * type"; simplified: commas inside quoted parameters are not handled).
 */
export function fetchMediaType(value: string): string | undefined {
  let found: string | undefined;
  for (const part of value.split(",")) {
    const essence = part.split(";")[0]!.trim().toLowerCase();
    if (TYPE.exec(essence)?.[0] === essence) found = essence;
  }
  return found;
}
