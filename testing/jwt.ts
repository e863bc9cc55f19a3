// The fake's tokens: compact JWS (RFC 7515) signed HS256 with a key made per fake, so a token from one
// fake, or a forged or unsigned one (alg none), is refused by every other.
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { encodeBase64url } from "../lib/base64.ts";
import { jwtClaims } from "../lib/jwt.ts";

export type Claims = Record<string, unknown> & { iat: number; exp: number; jti: string };

const b64 = (value: unknown) => encodeBase64url(JSON.stringify(value));
const HEADER = b64({ alg: "HS256", typ: "JWT" });

export interface Signer {
  sign(claims: Record<string, unknown>, lifetimeS: number, now: number): { token: string; claims: Claims };
  /** The claims of a token this signer issued, or undefined (any other string, whatever its claims say). */
  verify(token: string): Claims | undefined;
}

export function createSigner(): Signer {
  const key = randomBytes(32);
  const mac = (input: string) => createHmac("sha256", key).update(input).digest();
  return {
    sign(claims, lifetimeS, now) {
      const iat = Math.floor(now / 1000);
      // exp - iat = expires_in exactly (RFC 7519 §4.1.4, §4.1.6)
      const full: Claims = { ...claims, iat, exp: iat + lifetimeS, jti: randomBytes(12).toString("base64url") };
      const body = `${HEADER}.${b64(full)}`;
      return { token: `${body}.${mac(body).toString("base64url")}`, claims: full };
    },
    verify(token) {
      const parts = token.split(".");
      if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) return undefined;
      // Only the header this signer writes: no alg none, no other algorithm.
      if (parts[0] !== HEADER) return undefined;
      const given = Buffer.from(parts[2]!, "base64url");
      const expected = mac(`${parts[0]}.${parts[1]}`);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      return jwtClaims(token) as Claims | undefined;
    },
  };
}

/** Compares two secrets in constant time for their digests (the lengths are not revealed either). */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();
  return timingSafeEqual(digest(given), digest(expected));
}
