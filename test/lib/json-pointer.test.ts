// lib/json-pointer.ts: RFC 6901 escaping, both pointer forms, and lookup.
import { describe, expect, it } from "vitest";
import { escapePointerToken, pointerOf, pointerTokens, resolvePointer, unescapePointerToken } from "../../lib/json-pointer.ts";

// RFC 6901 §5's example document.
const doc = { foo: ["bar", "baz"], "": 0, "a/b": 1, "c%d": 2, "e^f": 3, "g|h": 4, "i\\j": 5, 'k"l': 6, " ": 7, "m~n": 8 };

describe("JSON Pointer", () => {
  it("escapes ~ before / and unescapes ~1 before ~0 (RFC 6901 §3, §4)", () => {
    expect(escapePointerToken("~1/")).toBe("~01~1");
    expect(unescapePointerToken("~01")).toBe("~1"); // not "/"
    expect(unescapePointerToken(escapePointerToken("a~/b~0"))).toBe("a~/b~0");
    expect(pointerOf(["paths", "/accounts/{aid}", "post", 0])).toBe("/paths/~1accounts~1{aid}/post/0");
    expect(pointerOf([])).toBe("");
  });

  it("resolves every pointer of RFC 6901 §5, in string and URI fragment form", () => {
    const cases: [string, string, unknown][] = [
      ["", "#", doc],
      ["/foo", "#/foo", ["bar", "baz"]],
      ["/foo/0", "#/foo/0", "bar"],
      ["/", "#/", 0],
      ["/a~1b", "#/a~1b", 1],
      ["/c%d", "#/c%25d", 2],
      ["/e^f", "#/e%5Ef", 3],
      ["/g|h", "#/g%7Ch", 4],
      ["/i\\j", "#/i%5Cj", 5],
      ['/k"l', "#/k%22l", 6],
      ["/ ", "#/%20", 7],
      ["/m~0n", "#/m~0n", 8],
    ];
    for (const [pointer, fragment, value] of cases) {
      expect(resolvePointer(doc, pointer), pointer).toEqual(value);
      expect(resolvePointer(doc, fragment), fragment).toEqual(value);
    }
  });

  it("finds nothing where nothing is: missing members, bad indexes, inherited properties, malformed pointers", () => {
    for (const pointer of ["/nope", "/foo/2", "/foo/01", "/foo/-", "/foo/length", "/constructor", "/__proto__", "foo", "#foo", "#/%E0%A4%A"]) {
      expect(resolvePointer(doc, pointer), pointer).toBeUndefined();
    }
    expect(pointerTokens("nope")).toBeUndefined();
    expect(pointerTokens("#/a%2Fb/c~1d")).toEqual(["a", "b", "c/d"]); // percent-decoded first (§6): %2F separates
  });
});
