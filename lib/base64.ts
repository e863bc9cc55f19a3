// Base64 and Base64url (RFC 4648 §4, §5) of bytes and UTF-8 text with Web APIs only (atob, btoa, TextEncoder).

/** Bytes as the binary (Latin-1, isomorphic) string `btoa` takes and a mis-decoding reads them as; chunked (no argument-count limit). */
export function binaryString(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]);
  return out;
}

const bytesOf = (data: string | Uint8Array) => (typeof data === "string" ? new TextEncoder().encode(data) : data);

/** Base64 with padding (RFC 4648 §4); a string is encoded as UTF-8. */
export function encodeBase64(data: string | Uint8Array): string {
  return btoa(binaryString(bytesOf(data)));
}

/** Base64url without padding (RFC 4648 §5, as JOSE uses it: RFC 7515 §2); a string is encoded as UTF-8. */
export function encodeBase64url(data: string | Uint8Array): string {
  return encodeBase64(data).replace(/=+$/, "").replaceAll("+", "-").replaceAll("/", "_");
}

/** The bytes of Base64 or Base64url text, padded or not; throws on any other character. */
export function decodeBase64(text: string): Uint8Array {
  const base64 = text.replaceAll("-", "+").replaceAll("_", "/");
  const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
