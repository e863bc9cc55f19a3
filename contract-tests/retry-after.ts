// Retry-After parsed by RFC 9110's grammar (§10.2.3: delay-seconds / HTTP-date, §5.6.7: IMF-fixdate and
// the two obsolete date forms). Date.parse is not used: it reads "1.5" or "5, 7" as dates in 2001.
export type RetryAfter =
  | { kind: "seconds"; seconds: number }
  | { kind: "date"; epochMs: number }
  | { kind: "invalid"; reason: string };

const DAYS = "(Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
const LONG_DAYS = "(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const MONTH = `(${MONTHS.join("|")})`;
const TIME = "(\\d{2}):(\\d{2}):(\\d{2})";

/** IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT */
const IMF_FIXDATE = new RegExp(`^${DAYS}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
/** rfc850-date (obsolete): Sunday, 06-Nov-94 08:49:37 GMT */
const RFC850_DATE = new RegExp(`^${LONG_DAYS}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
/** asctime-date (obsolete): Sun Nov  6 08:49:37 1994 */
const ASCTIME_DATE = new RegExp(`^${DAYS} ${MONTH} ( \\d|\\d{2}) ${TIME} (\\d{4})$`);

function utc(year: number, month: string, day: number, h: number, m: number, s: number): number | undefined {
  const mon = MONTHS.indexOf(month);
  const ms = Date.UTC(year, mon, day, h, m, s);
  const d = new Date(ms);
  // Reject what Date.UTC would roll over: 31 Feb, 25:00, 60 seconds.
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== mon || d.getUTCDate() !== day || d.getUTCHours() !== h || d.getUTCMinutes() !== m || d.getUTCSeconds() !== s) return undefined;
  return ms;
}

/** An HTTP-date in any of its three forms, as epoch milliseconds; undefined if it is none of them. */
export function parseHttpDate(value: string, now = Date.now()): number | undefined {
  let m = IMF_FIXDATE.exec(value);
  if (m) return utc(Number(m[4]), m[3]!, Number(m[2]), Number(m[5]), Number(m[6]), Number(m[7]));
  m = RFC850_DATE.exec(value);
  if (m) {
    // RFC 9110 §5.6.7: a two-digit year more than 50 years in the future means the past century.
    const thisYear = new Date(now).getUTCFullYear();
    let year = Math.floor(thisYear / 100) * 100 + Number(m[4]);
    if (year > thisYear + 50) year -= 100;
    return utc(year, m[3]!, Number(m[2]), Number(m[5]), Number(m[6]), Number(m[7]));
  }
  m = ASCTIME_DATE.exec(value);
  if (m) return utc(Number(m[7]), m[2]!, Number(m[3]!.trim()), Number(m[4]), Number(m[5]), Number(m[6]));
  return undefined;
}

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
