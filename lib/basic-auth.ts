// HTTP Basic credentials (RFC 7617): `Authorization: Basic base64(utf8(user-id ":" password))`, written and read.
import { decodeBase64, encodeBase64 } from "./base64.ts";

/** The token68 of Basic credentials (RFC 7617 §2, UTF-8 as §2.1's charset="UTF-8" asks). */
export function encodeBasicCredentials(userId: string, password: string): string {
  return encodeBase64(`${userId}:${password}`);
}

/** The whole `Authorization` value: `Basic <credentials>`. */
export function basicAuthorization(userId: string, password: string): string {
  return `Basic ${encodeBasicCredentials(userId, password)}`;
}

/**
 * The user-id and password of an `Authorization: Basic` value (scheme in any case, RFC 9110 §11.1),
 * split at the first colon (RFC 7617 §2: a user-id cannot contain one); undefined for another scheme,
 * text that is not Base64, or credentials without a colon.
 */
export function readBasicAuthorization(header: string | null | undefined): { userId: string; password: string } | undefined {
  const token = /^basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(header ?? "")?.[1];
  if (token === undefined) return undefined;
  let pair: string;
  try {
    pair = new TextDecoder().decode(decodeBase64(token));
  } catch {
    return undefined; // Base64 of a length no encoder writes
  }
  const colon = pair.indexOf(":");
  return colon < 0 ? undefined : { userId: pair.slice(0, colon), password: pair.slice(colon + 1) };
}
