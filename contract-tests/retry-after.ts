// Retry-After parsed by RFC 9110's grammar (§10.2.3: delay-seconds / HTTP-date, §5.6.7: IMF-fixdate and
// the two obsolete date forms), as a finding needs it: which form, or why neither. The HTTP-date
// grammar is the client's (src/retry-after.ts), so the suite and the client read a header alike.
import { parseHttpDate } from "../src/retry-after.ts";

export type RetryAfter =
  | { kind: "seconds"; seconds: number }
  | { kind: "date"; epochMs: number }
  | { kind: "invalid"; reason: string };

export function parseRetryAfter(value: string, now = Date.now()): RetryAfter {
  const v = value.trim(); // OWS around a field value is not part of it (RFC 9110 §5.5)
  if (/^\d+$/.test(v)) return { kind: "seconds", seconds: Number(v) };
  const date = parseHttpDate(v, now);
  if (date !== undefined) return { kind: "date", epochMs: date };
  return { kind: "invalid", reason: "neither delay-seconds (digits only) nor an HTTP-date (RFC 9110 §10.2.3)" };
}

/** Seconds to wait before retrying. A missing or invalid Retry-After waits the fallback, never 0. */
export function retryDelaySeconds(value: string | undefined, fallbackS: number, now = Date.now()): number {
  if (value === undefined) return fallbackS;
  const parsed = parseRetryAfter(value, now);
  if (parsed.kind === "seconds") return parsed.seconds;
  if (parsed.kind === "date") return Math.max(0, Math.ceil((parsed.epochMs - now) / 1000));
  return fallbackS;
}
