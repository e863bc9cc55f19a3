// The forged bearers are what they claim to be: a forgery a lax server would accept only if it made the
// mistake the case names (a certificate Node and the key verify, a kid signed with an empty key).
import { createHmac, generateKeyPairSync, verify, X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../contract-tests/config.ts";
import { algorithmForgeries, TRAVERSAL_KID } from "../../contract-tests/forged-tokens.ts";
import { selfSignedCertificate } from "../../contract-tests/self-signed-certificate.ts";

const env = {
  DINTERO_BASE_URL: "http://127.0.0.1:9/v1",
  DINTERO_ACCOUNT_ID: "T12345678",
  DINTERO_CLIENT_ID: "id",
  DINTERO_CLIENT_SECRET: "client-secret-value",
  DINTERO_LOGIN_EMAIL: "a@example.com",
  DINTERO_LOGIN_PASSWORD: "user-password-value",
};
const decode = (part: string) => JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;

describe("selfSignedCertificate", () => {
  const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });

  it("makes a v3 certificate Node parses, issued by itself and signed by the key it certifies", () => {
    const cert = new X509Certificate(selfSignedCertificate(keys, "contract-suite forged key"));
    expect(cert.subject).toBe("CN=contract-suite forged key");
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.checkIssued(cert)).toBe(true);
    expect(cert.verify(keys.publicKey)).toBe(true);
    expect(cert.publicKey.equals(keys.publicKey)).toBe(true);
    expect(cert.ca).toBe(false); // no extensions: not a CA, nothing a chain could end at
    const now = Date.now();
    expect(Date.parse(cert.validFrom)).toBeLessThan(now);
    expect(Date.parse(cert.validTo)).toBeGreaterThan(now + 300 * 86_400_000);
  });

  it("is signed by no other key, and each certificate has its own serial number", () => {
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const a = new X509Certificate(selfSignedCertificate(keys, "a"));
    expect(a.verify(other.publicKey)).toBe(false);
    expect(new X509Certificate(selfSignedCertificate(keys, "a")).serialNumber).not.toBe(a.serialNumber);
  });

  it("writes long lengths, non-ASCII names and dates from 2050 on (GeneralizedTime) as DER a parser reads", () => {
    const cert = new X509Certificate(selfSignedCertificate(keys, "ø".repeat(150), 365 * 40));
    expect(cert.subject).toBe(`CN=${"ø".repeat(150)}`);
    expect(new Date(cert.validTo).getUTCFullYear()).toBeGreaterThanOrEqual(2066);
    expect(cert.verify(keys.publicKey)).toBe(true);
  });
});

describe("algorithmForgeries", () => {
  const config = resolveConfig(env, {});
  const forgeries = new Map(algorithmForgeries(config, ["write:accounts:/auth/users"]).map((f) => [f.id, f]));

  it("x5c_self_signed carries a self-signed certificate whose key verifies the token: only a server that skips the chain accepts it", () => {
    const [head, payload, sig] = forgeries.get("x5c_self_signed")!.token.split(".") as [string, string, string];
    const header = decode(head) as { alg: string; x5c: string[] };
    expect(header.alg).toBe("RS256");
    expect(header.x5c).toHaveLength(1);
    expect(header.x5c[0]).toMatch(/^[A-Za-z0-9+/]+=*$/); // RFC 7515 §4.1.6: standard Base64 DER, not base64url
    const cert = new X509Certificate(Buffer.from(header.x5c[0]!, "base64"));
    expect(cert.checkIssued(cert)).toBe(true);
    expect(verify("sha256", Buffer.from(`${head}.${payload}`), cert.publicKey, Buffer.from(sig, "base64url"))).toBe(true);
    expect(decode(payload)).toMatchObject({ aud: config.audience });
  });

  it("kid_path_traversal names /dev/null by path traversal and is signed with an empty HMAC key", () => {
    const [head, payload, sig] = forgeries.get("kid_path_traversal")!.token.split(".") as [string, string, string];
    expect(decode(head)).toEqual({ alg: "HS256", typ: "JWT", kid: TRAVERSAL_KID });
    expect(TRAVERSAL_KID).toMatch(/^(\.\.\/)+dev\/null$/);
    expect(sig).toBe(createHmac("sha256", "").update(`${head}.${payload}`).digest("base64url"));
    expect(sig).not.toBe(createHmac("sha256", "x").update(`${head}.${payload}`).digest("base64url"));
  });
});
