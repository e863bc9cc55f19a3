// lib/jwt.ts and lib/base64.ts: a compact JWS or JWE taken apart without verifying, with Web APIs only.
import { describe, expect, it } from "vitest";
import { decodeBase64, encodeBase64, encodeBase64url } from "../../lib/base64.ts";
import { decodeJwt, isJwe, jwtClaims, jwtScopes } from "../../lib/jwt.ts";

const part = (value: unknown) => encodeBase64url(JSON.stringify(value));
const jws = (payload: unknown, header: unknown = { alg: "HS256", typ: "JWT" }) => `${part(header)}.${part(payload)}.c2ln`;

describe("Base64", () => {
  it("encodes UTF-8 text and bytes as Base64 and Base64url, and decodes either", () => {
    expect(encodeBase64("Aladdin:open sesame")).toBe("QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    expect(encodeBase64("tésting")).toBe(Buffer.from("tésting").toString("base64"));
    const bytes = new Uint8Array([0xfb, 0xff, 0xfe, 0x3e]);
    expect(encodeBase64url(bytes)).toBe("-__-Pg"); // no padding, - and _
    expect(decodeBase64("-__-Pg")).toEqual(bytes);
    expect(decodeBase64("+//+Pg==")).toEqual(bytes);
    expect(() => decodeBase64("a*b")).toThrow();
  });
});

describe("JWT inspection", () => {
  it("reads a JWS's header and claims, and its scopes from scope or scp", () => {
    const token = jws({ sub: "c1", scope: "read:a  write:b", scp: ["x", 1] });
    expect(decodeJwt(token)).toEqual({ header: { alg: "HS256", typ: "JWT" }, payload: { sub: "c1", scope: "read:a  write:b", scp: ["x", 1] } });
    expect(jwtClaims(token)?.sub).toBe("c1");
    expect(jwtScopes(token)).toEqual(["read:a", "write:b", "x"]);
    expect(jwtScopes(jws({ scp: "one two" }))).toEqual(["one", "two"]);
  });

  it("recognises a JWE by its five parts and enc, and judges only its structure", () => {
    const jwe = `${part({ alg: "dir", enc: "A256GCM" })}..aXY.Y2lwaGVy.dGFn`;
    expect(isJwe(jwe)).toBe(true);
    expect(decodeJwt(jwe)).toEqual({ header: { alg: "dir", enc: "A256GCM" }, encrypted: true });
    expect(jwtClaims(jwe)).toBeUndefined();
    expect(isJwe(`${part({ alg: "dir" })}..aXY.Y2lwaGVy.dGFn`)).toBe(false);
    expect(decodeJwt(`${part({ alg: "dir" })}..aXY.Y2lwaGVy.dGFn`)).toBe("a 5-part token whose header has no enc is not a JWE");
    expect(decodeJwt(`${part({ alg: "dir", enc: "A256GCM" })}..aXY..dGFn`)).toBe("a JWE needs an iv, a ciphertext and a tag");
  });

  it("says why a string is not a JWT", () => {
    expect(decodeJwt("opaque-token")).toBe("1 dot-separated parts instead of 3 (JWS) or 5 (JWE)");
    expect(decodeJwt("a+b.c.d")).toBe("a part is not base64url");
    expect(decodeJwt(`${part({ typ: "JWT" })}.${part({})}.`)).toBe("the header has no alg");
    expect(decodeJwt(`${part({ alg: "none" })}..`)).toBe("the payload is empty");
    expect(decodeJwt(`${part({ alg: "none" })}.${part([1])}.`)).toBe("the payload is not a JSON object");
    expect(decodeJwt(`bm90IGpzb24.${part({})}.`)).toBe("header or payload is not base64url JSON");
    expect(jwtScopes("not.a.jwt")).toEqual([]);
    expect(jwtClaims(`${part({ alg: "none" })}.${part("text")}.`)).toBeUndefined();
  });
});
