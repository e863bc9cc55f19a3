// Credentials no server should accept: issued tokens tampered with, JWTs it never issued, unsigned ones.
import { createHmac, randomBytes } from "node:crypto";
import type { Tamper } from "./case-types.ts";
import type { SuiteConfig } from "./types.ts";

/** The issued JWS with one tamper applied, or why it cannot be (not a 3-part JWS with a JSON payload). */
export function tamperedJws(token: string, tamper: Tamper): { value: string } | { cannot: string } {
  const parts = token.split(".");
  if (parts.length !== 3 || !parts[2]) return { cannot: "the issued bearer is not a signed JWS (3 parts), so it cannot be tampered with this way" };
  const [head, payload, sig] = parts as [string, string, string];
  if (tamper === "empty_signature") return { value: `${head}.${payload}.` };
  if (tamper === "truncated_signature") return { value: `${head}.${payload}.${sig.slice(0, Math.ceil(sig.length / 2))}` };
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
    const edited = {
      ...claims,
      sub: `${String(claims.sub ?? "")}-edited`,
      exp: typeof claims.exp === "number" ? claims.exp + 86_400 : Math.floor(Date.now() / 1000) + 86_400,
    };
    return { value: `${head}.${Buffer.from(JSON.stringify(edited)).toString("base64url")}.${sig}` };
  } catch {
    return { cannot: "the issued bearer's payload is not base64url JSON" };
  }
}

/** HMAC keys that ship as defaults or examples (jwt.io's, the tutorials' "secret", an empty key): a server
 * that accepts a token signed with one has that key, and anyone can mint its bearers (RFC 8725 §3.5). */
export const WELL_KNOWN_HMAC_KEYS: Array<{ id: string; key: string; what: string }> = [
  { id: "secret", key: "secret", what: '"secret"' },
  { id: "jwt_io", key: "your-256-bit-secret", what: "jwt.io's example key" },
  { id: "empty", key: "", what: "an empty key" },
];

/** A structurally valid, plausible JWT signed with a key the server never saw (or with `key`). */
export function forgedJwt(config: SuiteConfig, scopes: string[], key?: string, embedKey = false): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const head = b64({ alg: "HS256", typ: "JWT", ...(embedKey && key !== undefined ? { jwk: { kty: "oct", k: Buffer.from(key).toString("base64url") } } : {}) });
  const payload = b64({
    iss: `${config.target.baseUrl}/accounts/${config.accountId}/auth/token`,
    aud: config.audience,
    sub: "contract-suite-forged",
    iat: now,
    exp: now + 3600,
    scope: scopes.join(" "),
  });
  const sig = createHmac("sha256", key ?? randomBytes(32))
    .update(`${head}.${payload}`)
    .digest("base64url");
  return `${head}.${payload}.${sig}`;
}

/** An unsigned JWT (alg "none", RFC 7519 §6): it must never be accepted as a bearer. */
export function unsignedJwt(config: SuiteConfig, scopes: string[], alg = "none"): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const iss = `${config.target.baseUrl}/accounts/${config.accountId}/auth/token`;
  const claims = { iss, aud: config.audience, sub: "contract-suite-unsigned", iat: now, exp: now + 3600, scope: scopes.join(" ") };
  return `${b64({ alg, typ: "JWT" })}.${b64(claims)}.`;
}
