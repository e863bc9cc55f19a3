// JWT inspection for the checks: the compact forms (JWS, JWE) and the JWS shape in text.

interface JwtParts {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}
/** A JWE's protected header: its claims are encrypted, so only the structure can be judged. */
interface JweParts {
  header: Record<string, unknown>;
  encrypted: true;
}

const B64URL = /^[A-Za-z0-9_-]*$/;
function jsonPart(part: string): unknown {
  return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
}

/** A JWT in either compact form: a JWS (RFC 7515 §7.1: header.payload.signature) or a JWE (RFC 7516
 * §7.1: header.encrypted_key.iv.ciphertext.tag, the encrypted key empty with "dir"). A string says why not. */
export function decodeJwt(token: string): JwtParts | JweParts | string {
  const parts = token.split(".");
  if (parts.length !== 3 && parts.length !== 5) return `${parts.length} dot-separated parts instead of 3 (JWS) or 5 (JWE)`;
  if (!parts.every((p) => B64URL.test(p))) return "a part is not base64url";
  try {
    const header = jsonPart(parts[0]!) as Record<string, unknown>;
    if (!header || typeof header !== "object" || typeof header.alg !== "string") return "the header has no alg";
    if (parts.length === 5) {
      if (typeof header.enc !== "string") return "a 5-part token whose header has no enc is not a JWE";
      if (!parts[2] || !parts[3] || !parts[4]) return "a JWE needs an iv, a ciphertext and a tag";
      return { header, encrypted: true };
    }
    if (!parts[1]) return "the payload is empty";
    const payload = jsonPart(parts[1]) as Record<string, unknown>;
    if (!payload || typeof payload !== "object" || Array.isArray(payload)) return "the payload is not a JSON object";
    return { header, payload };
  } catch {
    return "header or payload is not base64url JSON";
  }
}

export const JWS_SHAPE = /\b(eyJ[A-Za-z0-9_-]*)\.(eyJ[A-Za-z0-9_-]*)\.[A-Za-z0-9_-]*/g;
