// unsupported_methods: a method the path does not document is refused.
import { defineCheck } from "./check.ts";
import { judgeable } from "./support/exchange.ts";

export const unsupportedMethods = defineCheck({
  name: "unsupported_methods",
  // Dintero documents POST on both paths, not what other methods get: refusing them is RFC 9110's rule.
  severity: "standard",
  severityReason:
    "a server that serves GET, PUT, PATCH or DELETE like POST takes passwords in requests that caches, " +
    "proxies and browsers treat as safe to repeat or store (RFC 9110 §9.2), and a 3xx or 5xx there " +
    "misleads a consumer about what happened",
  source: {
    ref: "RFC 9110 §15.5.6 (405 Method Not Allowed) and §15.6.2 (501 Not Implemented), for the methods a path does not document (#/paths)",
    url: "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.6",
  },
  catches:
    "GET, PUT, PATCH or DELETE on a documented path answered 2xx, 3xx or a 5xx other than 501 (any 4xx " +
    "passes: 405 with Allow is best, 404 is common; 501 Not Implemented is right for a method the server " +
    "does not recognise, RFC 9110 §15.6.2)",
  judges: ["method_rejection"],
  appliesTo: (ex, ctx) => judgeable(ex) && ctx.kase.expect.kind === "method_rejection",
  run(ex, ctx) {
    const status = ex.response!.status;
    if ((status >= 400 && status < 500) || status === 501) return [];
    const what = status < 300 ? "served" : status < 400 ? "redirected" : "crashed";
    return [
      {
        rule: (ctx.kase.expect as { rule: string }).rule,
        expected: "any 4xx (405 with Allow is best), or 501",
        actual: String(status),
        message: `${ex.request.method} ${new URL(ex.request.url).pathname}: answered ${status} (${what}), expected a 4xx`,
      },
    ];
  },
});
