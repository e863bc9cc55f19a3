// Reading a response body as its JSON, and JSON-pointer helpers for findings.
import type { Exchange } from "../../http.ts";
import { isJsonMediaType, mediaTypeOf } from "../../spec.ts";

type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

export function parseBody(exchange: Exchange): Parsed | undefined {
  const res = exchange.response;
  const type = mediaTypeOf(res?.headers["content-type"]);
  if (!res || !type || !isJsonMediaType(type)) return undefined;
  try {
    return { ok: true, value: JSON.parse(res.bodyText) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

export function valueAt(value: unknown, pointer: string): unknown {
  let node = value;
  for (const raw of pointer.split("/").slice(1)) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    node = node !== null && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined;
  }
  return node;
}

export const escapePointer = (key: string) => key.replaceAll("~", "~0").replaceAll("/", "~1");
