// lib/media-type.ts: RFC 9110 §8.3.1 media types, compared without parameters, in any case.
import { describe, expect, it } from "vitest";
import { charsetOf, fetchMediaType, isJsonMediaType, mediaTypeOf, parseMediaType, sameMediaType } from "../../lib/media-type.ts";

describe("media types", () => {
  it("parses type, subtype and parameters: names lower-cased, quoted values unescaped, the first repeat wins", () => {
    const parsed = parseMediaType(' Application/Problem+JSON ;Charset="UTF-8"; q=a\t; profile="a \\"b\\"";charset=latin1 ');
    expect(parsed?.essence).toBe("application/problem+json");
    expect([parsed?.type, parsed?.subtype]).toEqual(["application", "problem+json"]);
    expect(Object.fromEntries(parsed!.parameters)).toEqual({ charset: "UTF-8", q: "a", profile: 'a "b"' });
    expect(parseMediaType("text/plain;")?.essence).toBe("text/plain"); // an empty parameter is allowed
  });

  it("refuses what is not one media type", () => {
    for (const value of [
      "",
      "json",
      "application/",
      "/json",
      "application/json, text/plain",
      "application/json; charset",
      "application/json; a=b c",
      'text/plain; a="open',
      "application/json\u00a0",
      "application /json",
    ]) {
      expect(parseMediaType(value), JSON.stringify(value)).toBeUndefined();
    }
  });

  it("compares without parameters and in any case", () => {
    expect(mediaTypeOf("Application/JSON; charset=utf-8")).toBe("application/json");
    expect(mediaTypeOf("  ")).toBeUndefined();
    expect(mediaTypeOf(null)).toBeUndefined();
    expect(sameMediaType("application/json; charset=utf-8", "APPLICATION/json")).toBe(true);
    expect(sameMediaType("application/json", "application/problem+json")).toBe(false);
    expect(sameMediaType(undefined, undefined)).toBe(false);
  });

  it("knows JSON by application/json or a +json suffix (RFC 6839 §3.1)", () => {
    for (const value of ["application/json", "application/JSON; charset=utf-8", "application/problem+json", "application/vnd.api+json;v=1"])
      expect(isJsonMediaType(value), value).toBe(true);
    for (const value of ["text/json-seq", "application/jsonx", "application/+json", "text/plain", "", null])
      expect(isJsonMediaType(value), String(value)).toBe(false);
  });

  it("reads the charset, case-insensitively", () => {
    expect(charsetOf('application/json; Charset="UTF-8"')).toBe("utf-8");
    expect(charsetOf("application/json")).toBeUndefined();
  });

  it("extracts what a Fetch client reads from a combined Content-Type: the last valid type", () => {
    expect(fetchMediaType("text/plain, application/json; charset=utf-8")).toBe("application/json");
    expect(fetchMediaType("application/json, nonsense")).toBe("application/json");
    expect(fetchMediaType("nonsense, */*")).toBe("*/*");
    expect(fetchMediaType("")).toBeUndefined();
  });
});
