// The error a documented error body carries, for comparing two answers.
import type { Exchange } from "../../http.ts";
import { parseBody } from "./body.ts";

/** The error the documented body carries: status, code and message, for comparing two answers. */
export function errorShape(ex: Exchange): { status: number; code: unknown; message: unknown } {
  const parsed = parseBody(ex);
  const error = parsed?.ok ? (parsed.value as { error?: { code?: unknown; message?: unknown } })?.error : undefined;
  return { status: ex.response!.status, code: error?.code, message: error?.message };
}
