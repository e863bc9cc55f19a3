// lib/www-authenticate.ts: RFC 9110 §11.6.1 challenges and RFC 6750 Bearer errors.
import { describe, expect, it } from "vitest";
import { bearerChallengeErrors, parseChallenges } from "../../lib/www-authenticate.ts";

describe("WWW-Authenticate", () => {
  it("reads several challenges with parameters, quoted strings and quoted-pairs (RFC 9110 §11.6.1's example)", () => {
    expect(parseChallenges('Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"')).toEqual([
      { scheme: "newauth", params: { realm: "apps", type: "1", title: 'Login to "apps"' } },
      { scheme: "basic", params: { realm: "simple" } },
    ]);
  });

  it("reads a token68 after the scheme, and parameters otherwise", () => {
    expect(parseChallenges("Negotiate a87421000492aa874209af8bc028/+==, Bearer")).toEqual([
      { scheme: "negotiate", token68: "a87421000492aa874209af8bc028/+==", params: {} },
      { scheme: "bearer", params: {} },
    ]);
    expect(parseChallenges('Bearer realm = example ,ERROR="x", error=y')).toEqual([{ scheme: "bearer", params: { realm: "example", error: "x" } }]);
  });

  it("gives the error of every Bearer challenge only, lower-cased (RFC 6750 §3)", () => {
    expect(bearerChallengeErrors('Basic error="invalid_token", Bearer realm="x", bearer error=INSUFFICIENT_SCOPE, scope="a b"')).toEqual([
      "insufficient_scope",
    ]);
    expect(bearerChallengeErrors('Bearer abc==, Bearer error="invalid_token"')).toEqual(["invalid_token"]);
  });

  it("skips what does not parse, never throws, and reads at most 8 KiB", () => {
    expect(bearerChallengeErrors('Bearer realm="unterminated, error="invalid_token')).toEqual([]);
    expect(parseChallenges(null)).toEqual([]);
    expect(parseChallenges("=,;\u00a0 ")).toEqual([]);
    expect(bearerChallengeErrors(`Bearer realm="${"x".repeat(9000)}", error="invalid_token"`)).toEqual([]);
  });
});
