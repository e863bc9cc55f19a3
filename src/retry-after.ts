// Retry-After by RFC 9110's grammar, for the client and (through it) the conformance suite: one parser.
/**
 * `Retry-After` per RFC 9110 §10.2.3: delay-seconds (`1*DIGIT`) or an HTTP-date (§5.6.7:
 * IMF-fixdate, or the obsolete RFC 850 and asctime forms), nothing else. `Date.parse` alone would
 * read "1.5" or "5, 7" as dates in 2001, i.e. "retry now".
 */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  // Only RFC 9110's OWS (SP and HTAB) may surround a field value; `trim()` would also strip NBSP,
  // a BOM, U+2028 or U+3000, which make the value something else.
  const text = header.replace(/^[ \t]+|[ \t]+$/g, "");
  if (/^\d+$/.test(text)) return Math.min(Number(text), Number.MAX_SAFE_INTEGER);
  const date = parseHttpDate(text, now);
  return date === undefined ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

const httpDateForms = [
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (?<d>\d\d) (?<m>[A-Z][a-z]{2}) (?<y>\d{4}) (?<t>\d\d:\d\d:\d\d) GMT$/,
  /^(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, (?<d>\d\d)-(?<m>[A-Z][a-z]{2})-(?<y>\d\d) (?<t>\d\d:\d\d:\d\d) GMT$/,
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?<m>[A-Z][a-z]{2}) (?<d> \d|\d\d) (?<t>\d\d:\d\d:\d\d) (?<y>\d{4})$/,
];
const monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Milliseconds since the epoch, or undefined when `text` is not an HTTP-date with real values. */
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
