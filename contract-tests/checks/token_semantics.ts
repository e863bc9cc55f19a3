// token_semantics: the access token is a JWT whose claims agree with expires_in.
import type { Severity } from "../severity.ts";
import type { Json } from "../spec.ts";
import { defineCheck, type Found } from "./check.ts";
import { parseBody } from "./support/body.ts";
import { decodeJwt } from "./support/jwt.ts";
import { dintero, DINTERO_TOKEN_DOCS, rfc, type Source } from "./support/sources.ts";

/** Disagreement between exp and iat + expires_in (or response time + expires_in) that is no finding at
 * all, seconds: the time a response takes, and rounding. */
export const EXP_TOLERANCE_S = 120;
/** Disagreement beyond which the claims contradict expires_in (standard), seconds: the 5 minutes of clock
 * skew JWT validators commonly allow (.NET's TokenValidationParameters.DefaultClockSkew is 300 s). Within
 * it a validator and a consumer that trusts expires_in still agree whether the token is live (advisory). */
export const EXP_CONTRADICTION_S = 300;

/** exp is optional (RFC 7519 §4.1.4) and Dintero publishes no claim rules: whether the claims agree with
 * expires_in is this project's rule, after RFC 6749 §5.1 (expires_in is the token's lifetime). */
const CLAIM_SOURCE: Source = {
  ref:
    "this project's rule: exp agrees with expires_in (RFC 6749 §5.1: expires_in is the lifetime of the " +
    "access token; RFC 7519 §4.1.4: exp is optional; Dintero publishes no claim rules)",
  url: "https://www.rfc-editor.org/rfc/rfc7519#section-4.1.4",
};
const LIFETIME_SOURCE: Source = {
  ref:
    'this project\'s rule: expires_in > 0 (RFC 6749 §5.1: "the lifetime in seconds of the access token"; ' +
    'Dintero: "The lifetime in seconds of the access token", no minimum)',
  url: "https://www.rfc-editor.org/rfc/rfc6749#section-5.1",
};

export const tokenSemantics = defineCheck({
  name: "token_semantics",
  severity: "contract",
  severityReason:
    'Dintero documents "A JWT access token": a token that is not one breaks a consumer that reads it; ' +
    "standard: a lifetime that is not positive, or exp claims that contradict expires_in beyond clock " +
    "skew, or a bearer refused long before its expires_in, make a correct consumer use a dead token or trust one " +
    "longer than it was told; advisory: a " +
    "JWS without exp (optional, RFC 7519 §4.1.4), or exp off by less than clock skew",
  source: dintero(DINTERO_TOKEN_DOCS, 'access_token "A JWT access token", expires_in "The lifetime in seconds of the access token"'),
  catches:
    `an access_token that is not a JWT (JWS or JWE compact form); standard: the suite's own bearer refused (401) long before its expires_in ran ` +
    `out while a fresh one is accepted, an expires_in that is not ` +
    `positive, a JWS whose exp − iat differs from expires_in, or (live) whose exp differs from the response ` +
    `time + expires_in, by more than ${EXP_CONTRADICTION_S} s of clock skew, whose iat or nbf (live) lies ` +
    `more than ${EXP_CONTRADICTION_S} s in the future, or whose exp has passed; advisory: a JWS without exp, or ` +
    `any of these beyond ${EXP_TOLERANCE_S} s but within clock skew`,
  judges: [],
  appliesTo(ex) {
    if (ex.bearerRefused?.early) return true;
    const parsed = parseBody(ex);
    const status = ex.response?.status ?? 0;
    return status >= 200 && status < 300 && parsed?.ok === true && typeof (parsed.value as Json)?.access_token === "string";
  },
  run(ex, ctx) {
    // The suite's own bearer refused (401) long before its expires_in ran out, while a fresh one was taken
    // (the runner sent the case again): the lifetime the token response stated is not the bearer's.
    const refused = ex.bearerRefused;
    if (refused?.early) {
      return [
        {
          severity: "standard",
          severityReason:
            "a consumer that caches its bearer for expires_in (this project's client, Dintero's SDKs) keeps sending one the server " +
            "already refuses: its customers' logins fail until it notices",
          source: rfc(6749, "5.1", 'expires_in: "The lifetime in seconds of the access token"'),
          rule: "a bearer is accepted for the expires_in its token response stated",
          pointer: "authorization (request header)",
          expected: `accepted until ${refused.expiresInS} s after it was requested (less clock skew)`,
          actual: `401 after ${(refused.ageMs / 1000).toFixed(1)} s; a fresh bearer got ${refused.freshStatus} (exchange ${refused.freshExchangeId})`,
          message:
            `the suite's own bearer was refused ${(refused.ageMs / 1000).toFixed(1)} s after it was requested, though its expires_in ` +
            `said ${refused.expiresInS} s; sent again with a fresh bearer, the same request got ${refused.freshStatus}`,
        },
      ];
    }
    const body = (parseBody(ex) as { value: Json }).value;
    const fail = (rule: string, expected: string, actual: string, message: string): Found[] => [{ rule, pointer: "/access_token", expected, actual, message }];
    const claim =
      (severity: Severity, severityReason: string) =>
      (rule: string, expected: string, actual: string, message: string): Found[] => [
        { severity, severityReason, source: CLAIM_SOURCE, rule, pointer: "/access_token", expected, actual, message },
      ];
    const contradict = claim(
      "standard",
      "the token's claims contradict its expires_in beyond clock skew: a consumer that trusts expires_in " +
        "(as Dintero's SDKs do) uses a token its exp declares dead, or is told a shorter life than the token " +
        "has",
    );
    const advise = claim(
      "advisory",
      `exp is optional (RFC 7519 §4.1.4), and within ${EXP_CONTRADICTION_S} s of clock skew a validator and a consumer that trusts expires_in still agree`,
    );
    const jwt = decodeJwt(String(body.access_token));
    if (typeof jwt === "string")
      return fail("access_token is a JWT", "a JWS (header.payload.signature) or JWE (5 parts), base64url", jwt, `access_token is not a JWT: ${jwt}`);
    const expiresIn = body.expires_in;
    if (typeof expiresIn !== "number") return []; // the schema check reports it
    // Dintero publishes no minimum; a token that has expired on arrival cannot be used (this project's rule).
    if (expiresIn <= 0) {
      return [
        {
          severity: "standard",
          severityReason: "a token that has expired on arrival cannot be used by any consumer",
          source: LIFETIME_SOURCE,
          rule: "expires_in is positive: a token must be usable when it is issued",
          pointer: "/expires_in",
          expected: "> 0",
          actual: String(expiresIn),
          message: `expires_in ${expiresIn}: the token has expired on arrival`,
        },
      ];
    }
    if ("encrypted" in jwt) return []; // a JWE's claims are not readable by its holder: nothing more to judge
    // An issued token nobody signed (alg "none" in any case, or an empty signature) can be minted by anyone
    // who reads one: RFC 8725 §3.1/§3.2.
    const signature = String(body.access_token).split(".")[2] ?? "";
    if (String(jwt.header.alg).toLowerCase() === "none" || signature === "") {
      return [
        {
          severity: "standard",
          severityReason: "a token without a signature can be forged by anyone who has seen one: every consumer relying on it is exposed",
          source: rfc(8725, "3.1", "reject unsigned JWTs; issue none"),
          rule: "an issued JWS is signed",
          pointer: "/access_token",
          expected: "a signed JWS (alg other than none, a signature)",
          actual: `alg ${JSON.stringify(jwt.header.alg)}, signature ${signature ? "present" : "empty"}`,
          message: "the issued access_token is not signed",
        },
      ];
    }
    const { exp, iat } = jwt.payload;
    if (typeof exp !== "number")
      return advise(
        "the JWT carries a numeric exp",
        "number",
        JSON.stringify(exp) ?? "undefined",
        "the JWT has no numeric exp claim, so its holder learns its expiry only from expires_in",
      );
    const receivedS = ex.response!.receivedAt / 1000;
    // A mock replays the spec's example token, issued at a fixed time: the claims are judged against the
    // response time on live targets only; what the token says of itself (exp − iat) everywhere.
    const live = ctx.config.target.kind === "live";
    const found: Found[] = [];
    /** A disagreement of `off` seconds: nothing within EXP_TOLERANCE_S, advisory within clock skew, standard beyond. */
    const judge = (off: number, rule: string, expected: string, actual: string, message: string) => {
      if (off <= EXP_TOLERANCE_S) return;
      const contradicts = off > EXP_CONTRADICTION_S;
      found.push(...(contradicts ? contradict : advise)(`${rule} (±${contradicts ? EXP_CONTRADICTION_S : EXP_TOLERANCE_S} s)`, expected, actual, message));
    };
    // exp − iat is the lifetime the token declares; expires_in is the one the response declares (RFC 6749 §5.1).
    if (typeof iat === "number")
      judge(
        Math.abs(exp - iat - expiresIn),
        "exp − iat = expires_in",
        `exp − iat = ${expiresIn}`,
        `exp − iat = ${exp - iat}`,
        `exp − iat is ${exp - iat} s, expires_in ${expiresIn} s`,
      );
    if (live) {
      // Judged on its own: a wrong iat must not hide a wrong exp.
      const byResponse = exp - (receivedS + expiresIn);
      const side = byResponse > 0 ? "after" : "before";
      judge(
        Math.abs(byResponse),
        "exp = response time + expires_in",
        `exp ≈ ${Math.round(receivedS + expiresIn)}`,
        String(exp),
        `exp ${exp} lies ${Math.round(Math.abs(byResponse))} s ${side} the response time + expires_in ${expiresIn}`,
      );
      // A token issued or valid only in the future (RFC 7519 §4.1.5: it MUST NOT be accepted before nbf;
      // validators refuse an iat in the future too): a consumer's first use of it is refused.
      for (const name of ["nbf", "iat"] as const) {
        const value = jwt.payload[name];
        if (typeof value !== "number" || value - receivedS <= EXP_TOLERANCE_S) continue;
        const ahead = Math.round(value - receivedS);
        const future = value - receivedS > EXP_CONTRADICTION_S;
        found.push({
          severity: future ? "standard" : "advisory",
          severityReason: future
            ? `a token whose ${name} lies more than ${EXP_CONTRADICTION_S} s of clock skew ahead is refused by a ` +
              "validator that checks it, so a correct consumer holds a token that does not work yet"
            : `within ${EXP_CONTRADICTION_S} s of clock skew a validator still accepts it`,
          source:
            name === "nbf"
              ? rfc(7519, "4.1.5", "the JWT MUST NOT be accepted for processing before nbf")
              : rfc(7519, "4.1.6", "iat: the time at which the JWT was issued"),
          rule: `${name} is not in the future (±${future ? EXP_CONTRADICTION_S : EXP_TOLERANCE_S} s of clock skew)`,
          pointer: "/access_token",
          expected: `${name} ≤ ${Math.round(receivedS)}`,
          actual: String(value),
          message: `the token's ${name} lies ${ahead} s after the response time`,
        });
      }
      if (!found.length && exp <= receivedS) {
        return contradict(
          "the token has not expired when it is issued",
          `exp > ${Math.round(receivedS)}`,
          String(exp),
          "the issued token has already expired by its exp claim",
        );
      }
    }
    return found;
  },
});
