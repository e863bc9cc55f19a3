// Retry-After (RFC 9110 §10.2.3) read by its grammar: the one parser of the client and the suite.

/** What a `Retry-After` value is: delay-seconds, an HTTP-date, or neither. */
export type RetryAfter = { kind: "seconds"; seconds: number } | { kind: "date"; epochMs: number } | { kind: "invalid"; reason: string };

/**
 * `Retry-After = HTTP-date / delay-seconds` (RFC 9110 §10.2.3), `delay-seconds = 1*DIGIT`, HTTP-date
 * per §5.6.7 (IMF-fixdate, or the obsolete RFC 850 and asctime forms). Only OWS (§5.6.3: SP and HTAB)
 * around the value is not part of it (§5.5); `trim()` would also strip NBSP, a BOM, U+2028 or U+3000,
 * which make the value something else. `Date.parse` alone would read "1.5" or "5, 7" as dates in 2001.
 */
const withoutOws = (value: string) => value.replace(/^[ \t]+|[ \t]+$/g, "");
const delaySeconds = (text: string) => (/^\d+$/.test(text) ? Math.min(Number(text), Number.MAX_SAFE_INTEGER) : undefined);

/** Which form a `Retry-After` value has, or why it has neither (as a conformance finding needs it). */
export function readRetryAfter(value: string, now = Date.now()): RetryAfter {
  const text = withoutOws(value);
  const seconds = delaySeconds(text);
  if (seconds !== undefined) return { kind: "seconds", seconds };
  const epochMs = parseHttpDate(text, now);
  if (epochMs !== undefined) return { kind: "date", epochMs };
  return { kind: "invalid", reason: "neither delay-seconds (digits only) nor an HTTP-date (RFC 9110 §10.2.3)" };
}

/** Seconds to wait that a `Retry-After` value asks for (a past date: 0), or undefined when it is absent or invalid. */
export function retryAfterSeconds(header: string | null | undefined, now = Date.now()): number | undefined {
  if (header === null || header === undefined) return undefined;
  const text = withoutOws(header);
  const date = parseHttpDate(text, now);
  return delaySeconds(text) ?? (date === undefined ? undefined : Math.max(0, Math.ceil((date - now) / 1000)));
}

/** Seconds to wait before retrying. A missing or invalid Retry-After waits the fallback, never 0. */
export function retryDelaySeconds(value: string | undefined, fallbackS: number, now = Date.now()): number {
  return retryAfterSeconds(value, now) ?? fallbackS;
}

const httpDateForms = [
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (?<d>\d\d) (?<m>[A-Z][a-z]{2}) (?<y>\d{4}) (?<t>\d\d:\d\d:\d\d) GMT$/,
  /^(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, (?<d>\d\d)-(?<m>[A-Z][a-z]{2})-(?<y>\d\d) (?<t>\d\d:\d\d:\d\d) GMT$/,
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?<m>[A-Z][a-z]{2}) (?<d> \d|\d\d) (?<t>\d\d:\d\d:\d\d) (?<y>\d{4})$/,
];
const monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Milliseconds since the epoch, or undefined when `text` is not an HTTP-date (RFC 9110 §5.6.7) with real values. */
export function parseHttpDate(text: string, now: number): number | undefined {
  const groups = httpDateForms.map((form) => form.exec(text)?.groups).find(Boolean);
  if (!groups) return undefined;
  const [d = "", m = "", y = "", t = ""] = [groups.d, groups.m, groups.y, groups.t];
  const month = monthNames.indexOf(m);
  const [hours, minutes, seconds] = t.split(":").map(Number) as [number, number, number];
  let year = Number(y);
  if (y.length === 2) {
    // RFC 9110 §5.6.7: a two-digit year more than 50 years ahead is in the past century.
    const thisYear = new Date(now).getUTCFullYear();
    year += Math.floor(thisYear / 100) * 100;
    if (year > thisYear + 50) year -= 100;
  }
  const day = Number(d);
  const date = Date.UTC(year, month, day, hours, minutes, seconds);
  // Date.UTC rolls 31 Feb over into March: a date that does not round-trip is not a date.
  const valid = month >= 0 && hours < 24 && minutes < 60 && seconds < 61 && new Date(date).getUTCDate() === day;
  return valid ? date : undefined;
}
