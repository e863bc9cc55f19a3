// JWT inspection without verifying (RFC 7519): the parts of a compact JWS (RFC 7515) or JWE (RFC 7516), what a payload claims.
import { decodeBase64 } from "./base64.ts";

export interface JwtParts {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}
/** A JWE's protected header: its claims are encrypted, so only the structure can be judged. */
export interface JweParts {
  header: Record<string, unknown>;
  encrypted: true;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** A Base64url part holding a JSON object (a JOSE header or JWT claims), or undefined (decodeJwt checks the alphabet). */
export function jsonObjectPart(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(decodeBase64(part)));
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The claims of a compact JWS (three parts), unverified; undefined when it is not one with a JSON object payload. */
export function jwtClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split(".");
  return parts.length === 3 ? jsonObjectPart(parts[1]!) : undefined;
}

/** Whether `token` has the shape of a compact JWE (RFC 7516 §7.1: five parts, a header naming `enc`). */
export function isJwe(token: string): boolean {
  const parts = token.split(".");
  return parts.length === 5 && typeof jsonObjectPart(parts[0]!)?.enc === "string";
}

/** A JWT in either compact form: a JWS (RFC 7515 §7.1: header.payload.signature) or a JWE (RFC 7516
 * §7.1: header.encrypted_key.iv.ciphertext.tag, the encrypted key empty with "dir"). A string says why not. */
export function decodeJwt(token: string): JwtParts | JweParts | string {
  const parts = token.split(".");
  if (parts.length !== 3 && parts.length !== 5) return `${parts.length} dot-separated parts instead of 3 (JWS) or 5 (JWE)`;
  if (!parts.every((p) => BASE64URL.test(p))) return "a part is not base64url";
  const header = jsonObjectPart(parts[0]!);
  if (!header) return "header or payload is not base64url JSON";
  if (typeof header.alg !== "string") return "the header has no alg";
  if (parts.length === 5) {
    if (typeof header.enc !== "string") return "a 5-part token whose header has no enc is not a JWE";
    if (!parts[2] || !parts[3] || !parts[4]) return "a JWE needs an iv, a ciphertext and a tag";
    return { header, encrypted: true };
  }
  if (!parts[1]) return "the payload is empty";
  const payload = jsonObjectPart(parts[1]);
  return payload ? { header, payload } : "the payload is not a JSON object";
}

/** The scopes a JWT's payload names in `scope` (RFC 9068 §2.2.3, space-separated) or `scp` (a string or an array). */
export function jwtScopes(token: string): string[] {
  const claims = jwtClaims(token);
  return [claims?.scope, claims?.scp].flat().flatMap((value) => (typeof value === "string" ? value.split(/\s+/).filter(Boolean) : []));
}
