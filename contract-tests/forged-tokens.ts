// Credentials no server should accept: issued tokens tampered with, JWTs it never issued, unsigned ones,
// and JWTs of other algorithm families or that name their own key (RFC 8725 §2.1, §3.1).
import { createHmac, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import { encodeBase64url } from "../lib/base64.ts";
import { jwtClaims } from "../lib/jwt.ts";
import type { Tamper } from "./case-types.ts";
import { selfSignedCertificate } from "./self-signed-certificate.ts";
import type { SuiteConfig } from "./types.ts";

/** A JOSE header or claims set as a JWS part (RFC 7515 §7.1). */
const part = (value: unknown) => encodeBase64url(JSON.stringify(value));

/** The issued JWS with one tamper applied, or why it cannot be (not a 3-part JWS with a JSON payload). */
export function tamperedJws(token: string, tamper: Tamper): { value: string } | { cannot: string } {
  const parts = token.split(".");
  if (parts.length !== 3 || !parts[2]) return { cannot: "the issued bearer is not a signed JWS (3 parts), so it cannot be tampered with this way" };
  const [head, , sig] = parts as [string, string, string];
  if (tamper === "empty_signature") return { value: `${head}.${parts[1]}.` };
  if (tamper === "truncated_signature") return { value: `${head}.${parts[1]}.${sig.slice(0, Math.ceil(sig.length / 2))}` };
  const claims = jwtClaims(token);
  if (!claims) return { cannot: "the issued bearer's payload is not base64url JSON" };
  const edited = {
    ...claims,
    sub: `${String(claims.sub ?? "")}-edited`,
    exp: typeof claims.exp === "number" ? claims.exp + 86_400 : Math.floor(Date.now() / 1000) + 86_400,
  };
  return { value: `${head}.${part(edited)}.${sig}` };
}

/** HMAC keys that ship as defaults or examples (jwt.io's, the tutorials' "secret", an empty key): a server
 * that accepts a token signed with one has that key, and anyone can mint its bearers (RFC 8725 §3.5). */
export const WELL_KNOWN_HMAC_KEYS: Array<{ id: string; key: string; what: string }> = [
  { id: "secret", key: "secret", what: '"secret"' },
  { id: "jwt_io", key: "your-256-bit-secret", what: "jwt.io's example key" },
  { id: "empty", key: "", what: "an empty key" },
];

/** Plausible claims for a bearer of this target: its issuer, audience and scopes, live for an hour. */
function forgedClaims(config: SuiteConfig, scopes: string[], sub: string): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: `${config.target.baseUrl}/accounts/${config.accountId}/auth/token`,
    aud: config.audience,
    sub,
    iat: now,
    exp: now + 3600,
    scope: scopes.join(" "),
  };
}

/** A structurally valid, plausible JWT signed with a key the server never saw (or with `key`). */
export function forgedJwt(config: SuiteConfig, scopes: string[], key?: string, embedKey = false): string {
  const head = part({ alg: "HS256", typ: "JWT", ...(embedKey && key !== undefined ? { jwk: { kty: "oct", k: encodeBase64url(key) } } : {}) });
  const payload = part(forgedClaims(config, scopes, "contract-suite-forged"));
  const sig = createHmac("sha256", key ?? randomBytes(32))
    .update(`${head}.${payload}`)
    .digest("base64url");
  return `${head}.${payload}.${sig}`;
}

/** An unsigned JWT (alg "none", RFC 7519 §6): it must never be accepted as a bearer. */
export function unsignedJwt(config: SuiteConfig, scopes: string[], alg = "none"): string {
  return `${part({ alg, typ: "JWT" })}.${part(forgedClaims(config, scopes, "contract-suite-unsigned"))}.`;
}

/** Where a forged header points for its key: a host under `.invalid` (RFC 6761 §6.4), which no resolver
 * answers, so the suite never reaches one and a server that tries to fetch it cannot either. */
export const FORGED_KEY_HOST = "keys.contract-suite.invalid";

let rsa: { privateKey: KeyObject; publicKey: KeyObject } | undefined;
/** One RSA key pair per process, the suite's own (made on first use). */
const suiteRsaKey = () => (rsa ??= generateKeyPairSync("rsa", { modulusLength: 2048 }));
let certificate: Buffer | undefined;
/** A self-signed certificate for the suite's RSA key (made on first use), as an x5c header carries it. */
const suiteCertificate = () => (certificate ??= selfSignedCertificate(suiteRsaKey(), "contract-suite forged key"));

/** Where a forged kid points by path traversal: a file every Unix has and that reads as empty. A server that
 * loads its key from a file the kid names (or that falls back to "" when the lookup fails) verifies with an empty key. */
export const TRAVERSAL_KID = "../../../../../../../../dev/null";

/** A JWT that must not open anything, however the server handles algorithms and keys. */
export interface AlgorithmForgery {
  id: string;
  /** what the token is, for the case's title */
  what: string;
  token: string;
  rule: string;
}

/**
 * Forgeries across algorithm families (RFC 8725 §2.1: a server must verify with the algorithm it expects,
 * not the one the token names; §3.1: use only allowed algorithms): a server that verifies its own family
 * and waves others through, that checks an ECDSA signature without rejecting r = s = 0 (CVE-2022-21449),
 * that takes the key a token brings (a jwk, CVE-2018-0114; a self-signed certificate in x5c, whose chain it
 * never checks) or names (kid, jku, x5u at a host that does not resolve) and fails open when it cannot find it,
 * or that reads the key a kid names by path and gets an empty one (RFC 8725 §3.10), accepts one of these.
 */
export function algorithmForgeries(config: SuiteConfig, scopes: string[]): AlgorithmForgery[] {
  const payload = part(forgedClaims(config, scopes, "contract-suite-forged"));
  const junk = (alg: string, bytes: number): AlgorithmForgery => {
    const head = part({ alg, typ: "JWT" });
    return {
      id: `alg.${alg}`,
      what: `${alg} JWT with a junk signature`,
      token: `${head}.${payload}.${randomBytes(bytes).toString("base64url")}`,
      rule: `a JWT of another algorithm (${alg}) is verified, not waved through (RFC 8725 §2.1, §3.1)`,
    };
  };
  const rs256 = (header: Record<string, unknown>) => {
    const input = `${part({ alg: "RS256", typ: "JWT", ...header })}.${payload}`;
    return `${input}.${sign("sha256", Buffer.from(input), suiteRsaKey().privateKey).toString("base64url")}`;
  };
  const hs256 = (header: Record<string, unknown>, key: string) => {
    const input = `${part({ alg: "HS256", typ: "JWT", ...header })}.${payload}`;
    return `${input}.${createHmac("sha256", key).update(input).digest("base64url")}`;
  };
  const { n, e } = suiteRsaKey().publicKey.export({ format: "jwk" });
  const elsewhere = `https://${FORGED_KEY_HOST}`;
  const pointsAt = "a token whose key cannot be found is no credential (RFC 8725 §3.1; RFC 7515 §4.1.2–§4.1.5)";
  return [
    junk("RS256", 256),
    junk("ES256", 64),
    junk("PS256", 256),
    junk("HS512", 64),
    {
      id: "es256_zero_signature",
      what: "ES256 JWT whose signature is r = s = 0 (CVE-2022-21449)",
      token: `${part({ alg: "ES256", typ: "JWT" })}.${payload}.${encodeBase64url(new Uint8Array(64))}`,
      rule: "an ECDSA signature with r = s = 0 verifies under no key (CVE-2022-21449)",
    },
    {
      id: "embedded_rsa_jwk",
      what: "RS256 JWT verified by the RSA key in its own jwk header (CVE-2018-0114)",
      token: rs256({ jwk: { kty: "RSA", n, e } }),
      rule: "a token that brings its own key is no credential (RFC 8725 §3.1; CVE-2018-0114)",
    },
    { id: "kid_elsewhere", what: `RS256 JWT whose kid names a key at ${FORGED_KEY_HOST}`, rule: pointsAt, token: rs256({ kid: `${elsewhere}/keys/forged` }) },
    {
      id: "jku_elsewhere",
      what: `RS256 JWT whose jku names a key set at ${FORGED_KEY_HOST}`,
      rule: pointsAt,
      token: rs256({ jku: `${elsewhere}/jwks.json`, kid: "forged" }),
    },
    {
      id: "x5u_elsewhere",
      what: `RS256 JWT whose x5u names a certificate at ${FORGED_KEY_HOST}`,
      rule: pointsAt,
      token: rs256({ x5u: `${elsewhere}/cert.pem` }),
    },
    {
      id: "x5c_self_signed",
      what: "RS256 JWT verified by the self-signed certificate in its own x5c header",
      // RFC 7515 §4.1.6: x5c is a chain (standard Base64 DER) that the recipient MUST validate (RFC 5280);
      // a self-signed certificate of a key the suite made up ends at no root the server trusts.
      token: rs256({ x5c: [suiteCertificate().toString("base64")] }),
      rule: "a token that brings its own certificate is no credential: its chain ends at no trusted root (RFC 7515 §4.1.6; RFC 8725 §3.1)",
    },
    {
      id: "kid_path_traversal",
      what: "HS256 JWT signed with an empty key, whose kid names /dev/null by path traversal (../../…/dev/null)",
      // One token for two faults: a kid read as a file path (/dev/null reads as empty), and a lookup of a kid the
      // server does not know that falls back to an empty key. The suite's weak_key.empty case carries no kid.
      token: hs256({ kid: TRAVERSAL_KID }, ""),
      rule: "a kid that names no key of the server is no credential, never a lookup that yields an empty key (RFC 8725 §3.10, §3.1)",
    },
  ];
}
