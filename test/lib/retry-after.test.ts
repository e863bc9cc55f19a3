// lib/retry-after.ts: RFC 9110 §10.2.3 by its grammar, and the client and the suite reading alike.
import { describe, expect, it } from "vitest";
import { parseRetryAfter as clientRetryAfter } from "../../src/retry-after.ts";
import { parseRetryAfter as suiteRetryAfter, retryDelaySeconds } from "../../contract-tests/retry-after.ts";
import { parseHttpDate, readRetryAfter, retryAfterSeconds } from "../../lib/retry-after.ts";

const now = Date.UTC(2026, 0, 1, 0, 0, 0);

describe("Retry-After", () => {
  it("reads delay-seconds and the three HTTP-date forms", () => {
    expect(readRetryAfter("120", now)).toEqual({ kind: "seconds", seconds: 120 });
    expect(readRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", now)).toEqual({ kind: "date", epochMs: now + 30_000 });
    expect(retryAfterSeconds("Thursday, 01-Jan-26 00:01:00 GMT", now)).toBe(60);
    expect(retryAfterSeconds("Thu Jan  1 00:00:10 2026", now)).toBe(10);
    expect(retryAfterSeconds("Wed, 31 Dec 2025 00:00:00 GMT", now)).toBe(0); // a past date: now
  });

  it("strips only OWS (SP, HTAB) around the value", () => {
    expect(retryAfterSeconds(" \t5\t ", now)).toBe(5);
    for (const padded of ["\u00a05", "5\u00a0", "\ufeff5", "\u30005", "5\u2028", "\n5"]) {
      expect(readRetryAfter(padded, now).kind, JSON.stringify(padded)).toBe("invalid");
    }
  });

  it("refuses what Date.parse would read as a date", () => {
    for (const value of [
      "1.5",
      "5, 7",
      "-1",
      "+5",
      "",
      "5s",
      "Thu, 31 Feb 2026 00:00:00 GMT",
      "Thu, 01 Jan 2026 24:00:00 GMT",
      "thu, 01 jan 2026 00:00:00 gmt",
    ]) {
      expect(retryAfterSeconds(value, now), JSON.stringify(value)).toBeUndefined();
    }
    expect(parseHttpDate("Thu, 01 Jan 2026 00:00:00 UTC", now)).toBeUndefined();
  });

  it("an invalid or missing value waits the fallback, never 0", () => {
    expect(retryDelaySeconds(undefined, 7, now)).toBe(7);
    expect(retryDelaySeconds("soon", 7, now)).toBe(7);
    expect(retryDelaySeconds("0", 7, now)).toBe(0);
  });

  // The drift this module ended: the suite read "\u00a05" as 5 s while the client refused it, so the
  // suite passed a server whose Retry-After the client cannot honour.
  it("the suite refuses every value the client refuses, and reads the others as the client does", () => {
    for (const value of ["\u00a05", "5\u00a0", "\u30005", " 5 ", "5", "Thu, 01 Jan 2026 00:00:30 GMT", "1.5"]) {
      const client = clientRetryAfter(value, now);
      const suite = suiteRetryAfter(value, now);
      expect(suite.kind === "invalid", JSON.stringify(value)).toBe(client === undefined);
      expect(retryDelaySeconds(value, 999, now), JSON.stringify(value)).toBe(client ?? 999);
    }
  });
});
