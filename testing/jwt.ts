// The fake's tokens: compact JWS (RFC 7515) signed HS256 with a key made per fake, so a token from one
// fake, or a forged or unsigned one (alg none), is refused by every other.
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { encodeBase64url } from "../lib/base64.ts";
import { jsonObjectPart } from "../lib/jwt.ts";

export type Claims = Record<string, unknown> & { iat: number; exp: number; jti: string };

const b64 = (value: unknown) => encodeBase64url(JSON.stringify(value));
const HEADER = b64({ alg: "HS256", typ: "JWT" });

export interface Signer {
  /** The registered claims a token issued now gets (iat, exp = iat + lifetime, a fresh jti), added to `claims`. */
  claims(claims: Record<string, unknown>, lifetimeS: number, now: number): Claims;
  /** The compact JWS of these claims, signed with this signer's key. */
  serialize(claims: Record<string, unknown>): string;
  /** The claims of a token this signer issued, or undefined (any other string, whatever its claims say). */
  verify(token: string): Claims | undefined;
  /** HMAC-SHA256 of `input` under this signer's key. */
  mac(input: string): Buffer;
}

export function createSigner(): Signer {
  const key = randomBytes(32);
  const mac = (input: string) => createHmac("sha256", key).update(input).digest();
  return {
    claims(claims, lifetimeS, now) {
      const iat = Math.floor(now / 1000);
      // exp - iat = expires_in exactly (RFC 7519 §4.1.4, §4.1.6)
      return { ...claims, iat, exp: iat + lifetimeS, jti: randomBytes(12).toString("base64url") };
    },
    serialize(claims) {
      const body = `${HEADER}.${b64(claims)}`;
      return `${body}.${mac(body).toString("base64url")}`;
    },
    verify(token) {
      const parts = token.split(".");
      if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) return undefined;
      // Only the header this signer writes: no alg none, no other algorithm.
      if (parts[0] !== HEADER) return undefined;
      const given = Buffer.from(parts[2]!, "base64url");
      const expected = mac(`${parts[0]}.${parts[1]}`);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      return decodePart(parts[1]!) as Claims | undefined;
    },
    mac,
  };
}

/** A base64url JSON object, or undefined (lib/jwt.ts). */
export const decodePart = jsonObjectPart;

/** Compares two secrets in constant time for their digests (the lengths are not revealed either). */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();
  return timingSafeEqual(digest(given), digest(expected));
}
