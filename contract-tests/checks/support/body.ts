// Reading a response body as its JSON; JSON Pointer (lib/json-pointer.ts) under the names the checks use.
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

export { resolvePointer as valueAt, escapePointerToken as escapePointer } from "../../../lib/json-pointer.ts";
