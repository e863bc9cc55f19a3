// lib/basic-auth.ts: RFC 7617 Basic credentials written and read, UTF-8, split at the first colon.
import { describe, expect, it } from "vitest";
import { basicAuthorization, encodeBasicCredentials, readBasicAuthorization } from "../../lib/basic-auth.ts";

describe("Basic credentials", () => {
  it("encodes user-id:password as UTF-8 Base64 (RFC 7617 §2, §2.1)", () => {
    expect(basicAuthorization("Aladdin", "open sesame")).toBe("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="); // RFC 7617 §2's example
    expect(encodeBasicCredentials("test", "123£")).toBe("dGVzdDoxMjPCow=="); // RFC 7617 §2.1's example
  });

  it("reads them back: any scheme case, the password may hold colons", () => {
    expect(readBasicAuthorization(basicAuthorization("client", "s3:cr:et"))).toEqual({ userId: "client", password: "s3:cr:et" });
    expect(readBasicAuthorization("bAsIc   dGVzdDoxMjPCow==")).toEqual({ userId: "test", password: "123£" });
    expect(readBasicAuthorization(basicAuthorization("", "x"))).toEqual({ userId: "", password: "x" });
  });

  it("reads nothing from another scheme, non-Base64 text or credentials without a colon", () => {
    for (const header of [null, undefined, "", "Bearer abc", "Basic", "Basic a*b", "Basic " + btoa("no-colon"), "Basic QQ===", "Basic Q"]) {
      expect(readBasicAuthorization(header), String(header)).toBeUndefined();
    }
  });
});
