// secret_reflection: no response echoes a submitted secret or a live bearer.
import { canonicalize } from "../../src/redact.ts";
import { secretFieldNames } from "../request-fields.ts";
import { defineCheck, type Found } from "./check.ts";
import { parseBody } from "./support/body.ts";
import { answered } from "./support/exchange.ts";
import { JWS_SHAPE } from "./support/jwt.ts";
import { parsedTokens } from "./support/tokens.ts";

/** Secrets shorter than this are looked for as whole values only: a 4-digit PIN is found by chance in any token. */
const MIN_SUBSTRING_SECRET = 6;
/** Nor are secrets of fewer distinct characters than this (a made-up "      " or "000000"): a repetitive
 * string turns up by chance in any longer text, and a false alarm here fails a correct server's run. */
const MIN_SUBSTRING_DISTINCT = 4;
const searchableInside = (secret: string) => secret.length >= MIN_SUBSTRING_SECRET && new Set(secret).size >= MIN_SUBSTRING_DISTINCT;

function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => stringsIn(v, out));
  else if (value && typeof value === "object") Object.entries(value).forEach(([k, v]) => (out.push(k), stringsIn(v, out)));
  return out;
}

export const secretReflection = defineCheck({
  name: "secret_reflection",
  // Dintero does not publish "never echo the password" (writeOnly on password is this spec's annotation):
  // the rule is this project's, after OWASP; its severity follows the harm, an exposed secret.
  severity: "standard",
  severityReason:
    "an echoed password or client secret is exposed to every log, cache, proxy and error tracker that sees the response, whatever the consumer does",
  source: {
    ref:
      "this project's rule (Dintero does not publish it), after OWASP ASVS 4.0 V8.3; the spec marks " +
      "password writeOnly (#/components/schemas/LoginCredentials/properties/password/writeOnly)",
    url: "https://owasp.org/www-project-application-security-verification-standard/",
  },
  catches:
    "a response body or header that echoes the submitted password, the client secret (also base64 as in " +
    "Basic), or a live bearer (the client's, the customer's) anywhere but the response that issues it; " +
    "JWS payloads in the response are decoded and searched too",
  judges: [],
  appliesTo: answered,
  run(ex, ctx) {
    const res = ex.response!;
    const submitted = new Set(ctx.secrets);
    const body = ctx.kase.body as Record<string, unknown> | undefined;
    for (const name of secretFieldNames(ctx.op.requestSchema)) {
      const v = body && typeof body === "object" ? body[name] : undefined;
      if (typeof v === "string") submitted.add(v);
    }
    // The live bearers (the client's, the customer's) are secrets too, anywhere but where they are issued.
    const issuedHere = new Set(parsedTokens(ex));
    for (const token of ctx.tokens ?? []) if (!issuedHere.has(token)) submitted.add(token);
    const parsed = parseBody(ex);
    const bodyStrings = parsed?.ok ? stringsIn(parsed.value) : [];
    const findings: Found[] = [];
    // A JWS payload is only base64url: what it carries is readable by everyone who holds the token.
    const jwsPayloads = (text: string) =>
      [...text.matchAll(JWS_SHAPE)].map((m) => {
        try {
          return Buffer.from(m[2]!, "base64url").toString("utf8");
        } catch {
          return "";
        }
      });
    // The body also decoded as the client decodes server text (JSON escapes of any style, percent-encoding):
    // decoded once per response, then searched for every secret.
    const places: Array<[string, string[]]> = [
      ["body", [res.bodyText, ...bodyStrings, canonicalize(res.bodyText), ...jwsPayloads(res.bodyText)]],
      ...Object.entries(res.headers).map(([k, v]): [string, string[]] => [`${k} (header)`, [v, canonicalize(v), ...jwsPayloads(v)]]),
    ];
    for (const secret of submitted) {
      if (!secret) continue;
      for (const [where, texts] of places) {
        const hit = searchableInside(secret)
          ? texts.some((t) => t.includes(secret) || t.includes(JSON.stringify(secret).slice(1, -1)))
          : texts.slice(where === "body" ? 1 : 0).some((t) => t === secret);
        if (hit)
          findings.push({
            rule: "never echo a submitted secret",
            pointer: where,
            expected: "no secret",
            actual: "[REDACTED]",
            message: `the response ${where} echoes a submitted secret`,
          });
      }
    }
    return findings;
  },
});
