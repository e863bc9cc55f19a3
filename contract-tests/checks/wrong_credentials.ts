// wrong_credentials: a wrong password or an unknown identity is refused.
import { documented4xx, mediaTypeOf } from "../spec.ts";
import { defineCheck } from "./check.ts";
import { parseBody } from "./support/body.ts";
import { isRefusal, judgeable } from "./support/exchange.ts";
import { dintero, DINTERO_LOGIN_DOCS, project } from "./support/sources.ts";

export const wrongCredentials = defineCheck({
  name: "wrong_credentials",
  severity: "contract",
  severityReason:
    "a wrong password or an unknown identity that logs in hands a customer token to anyone (Dintero " +
    "documents the 4xx answers); advisory: which 4xx and body a refusal carries, which Dintero does not " +
    "document",
  source: dintero(DINTERO_LOGIN_DOCS, "documented 4xx responses with the Error body"),
  catches:
    "a wrong password, a wrong client secret or an unknown identity not refused (any 4xx but 429), and any 2xx to a " +
    "made-up identity (generated bodies included); advisory: refused with an undocumented 4xx, or without the documented Error body",
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
