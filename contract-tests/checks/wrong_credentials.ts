// wrong_credentials: a wrong password or an unknown identity is refused.
import { documented4xx, mediaTypeOf } from "../spec.ts";
import { defineCheck } from "./check.ts";
import { parseBody } from "./support/body.ts";
import { isRefusal, judgeable } from "./support/exchange.ts";
import { readRefusalOf } from "./support/refusal.ts";
import { dintero, DINTERO_LOGIN_DOCS, project, rfc } from "./support/sources.ts";

export const wrongCredentials = defineCheck({
  name: "wrong_credentials",
  severity: "contract",
  severityReason:
    "a wrong password or an unknown identity that logs in hands a customer token to anyone (Dintero " +
    "documents the 4xx answers); standard: a refusal that says the bearer is invalid (invalid_token) makes every " +
    "correct consumer drop a valid bearer and answer its customer with an outage; advisory: which 4xx and body a " +
    "refusal carries, which Dintero does not document",
  source: dintero(DINTERO_LOGIN_DOCS, "documented 4xx responses with the Error body"),
  catches:
    "a wrong password, a wrong client secret or an unknown identity not refused (any 4xx but 429), and any 2xx to a " +
    "made-up identity (generated bodies included); standard: refused with an answer that says the bearer is invalid (RFC 6750 " +
    "invalid_token); advisory: refused with an undocumented 4xx, or without the documented Error body",
  judges: ["credentials_rejection"],
  // Also every other case whose identity is made up (the generated bodies): nobody's identity must log in.
  // A mock has no user store: it logs in anyone, so there only the credentials cases are judged (n/a).
  appliesTo: (ex, ctx) =>
    judgeable(ex) && (ctx.kase.expect.kind === "credentials_rejection" || (ctx.kase.madeUpIdentity === true && ctx.config.target.kind === "live")),
  run(ex, ctx) {
    const status = ex.response!.status;
    if (ctx.kase.expect.kind !== "credentials_rejection") {
      if (status < 200 || status >= 300) return [];
      return [
        {
          rule: "a made-up identity does not log in",
          expected: "not a 2xx (a 4xx: nobody has this identity)",
          actual: String(status),
          message: `a made-up identity (${ctx.kase.title}) was answered ${status}: the server logs in, or signs up, an identity nobody registered`,
        },
      ];
    }
    const rule = (ctx.kase.expect as { rule: string }).rule;
    const allowed = documented4xx(ctx.op);
    if (!isRefusal(status)) {
      return [
        {
          rule,
          expected: `a 4xx (documented: ${allowed.join(", ")})`,
          actual: String(status),
          message: `${rule}: answered ${status}${status < 300 ? " (logged in with wrong credentials)" : ""}`,
        },
      ];
    }
    // Refused, but as if the bearer were at fault: every correct consumer (RFC 6750 §3.1; this project's client,
    // src/refusal.ts) drops its valid bearer, fetches another, and answers its customer with an outage
    // instead of "wrong password". A plain refusal (any documented 4xx, a 401 that names no error, or
    // invalid_grant, RFC 6749 §5.2) leaves the bearer alone and passes.
    if (readRefusalOf(ex).evidence === "rejected") {
      return [
        {
          severity: "standard",
          severityReason:
            "a refusal of the customer's credentials that says the bearer is invalid makes every correct consumer replace a valid " +
            "bearer and report an outage (this project's client: bearer_refused, the README's route answers 503) instead of a wrong password",
          source: rfc(6750, "3.1", 'invalid_token: "The access token provided is expired, revoked, malformed, or invalid"'),
          rule: `${rule}: refused without blaming the bearer`,
          pointer: "www-authenticate (header), /error/code",
          expected: 'a refusal of the credentials (any documented 4xx; not WWW-Authenticate: Bearer error="invalid_token" nor error.code invalid_token)',
          actual: `${status}${ex.response!.headers["www-authenticate"] ? `, WWW-Authenticate: ${ex.response!.headers["www-authenticate"]}` : ""}`,
          message:
            `${rule}: refused with ${status} saying the bearer is invalid (invalid_token): ` +
            "a consumer drops its valid bearer and fails the customer with an outage",
        },
      ];
    }
    // Refused. Which status and body a bad credential gets is this project's curation (openapi/SOURCES.md:
    // Dintero does not say 401 or 403), so how it is refused is advisory; that it is refused is contract.
    const advisory = {
      severity: "advisory" as const,
      severityReason: "refused all the same: which 4xx and body a bad credential gets is this project's curation, not Dintero's",
      source: project("which documented 4xx and body a wrong password or unknown identity gets (Dintero documents neither; openapi/SOURCES.md, curated)"),
    };
    if (!allowed.includes(status)) {
      return [
        {
          ...advisory,
          rule: `${rule}: a documented 4xx`,
          expected: allowed.join(" or "),
          actual: String(status),
          message: `${rule}: refused with ${status}, which is not documented`,
        },
      ];
    }
    const schema = ctx.op.responses.get(status)?.content.get(mediaTypeOf(ex.response!.headers["content-type"]) ?? "");
    const parsed = parseBody(ex);
    const isDocumentedBody = schema !== undefined && parsed?.ok === true && ctx.spec.validator(schema)(parsed.value);
    if (!isDocumentedBody) {
      return [
        {
          ...advisory,
          rule: `${rule}: an Error body`,
          expected: "the documented error body",
          actual: ex.response!.bodyText.slice(0, 120),
          message: `${rule}: ${status} without the documented error body`,
        },
      ];
    }
    return [];
  },
});
