// token_caching: a response carrying a token is not cacheable.
import { defineCheck, type Found } from "./check.ts";
import { rfc } from "./support/sources.ts";
import { carriesToken } from "./support/tokens.ts";

export const tokenCaching = defineCheck({
  name: "token_caching",
  severity: "advisory",
  severityReason:
    "a response to POST is stored by a cache only with explicit freshness and Content-Location (RFC 9110 " +
    "§9.3.3): without no-store the token leaks only together with another mistake",
  source: rfc(6749, "5.1", "a response containing tokens MUST carry Cache-Control: no-store"),
  catches: "a response that carries a token without Cache-Control: no-store",
  judges: [],
  notApplicableTo: (config) => (config.target.kind === "mock" ? "the spec documents no Cache-Control header, so a mock of it cannot send one" : undefined),
  appliesTo: (ex, ctx) => ctx.config.target.kind !== "mock" && carriesToken(ex),
  run(ex) {
    const value = ex.response!.headers["cache-control"];
    const directives = (v: string | undefined) => (v ?? "").split(",").map((d) => d.trim().toLowerCase().split("=")[0]);
    const found: Found[] = [];
    if (!directives(value).includes("no-store"))
      found.push({
        rule: "Cache-Control: no-store on a token response",
        pointer: "cache-control (header)",
        expected: "no-store",
        actual: value ?? "(none)",
        message: `a ${ex.response!.status} carrying a token ${value ? `says Cache-Control: ${value}` : "has no Cache-Control"}, so a cache may keep it`,
      });
    // Targeted fields override Cache-Control for the caches they name (RFC 9213 §2.1): a CDN obeys its own.
    for (const name of TARGETED_CACHE_CONTROL) {
      const targeted = ex.response!.headers[name];
      if (targeted !== undefined && !directives(targeted).includes("no-store") && !directives(targeted).includes("private")) {
        found.push({
          rule: `${name} does not let a shared cache store a token (RFC 9213 §2.1: it overrides Cache-Control there)`,
          pointer: `${name} (header)`,
          expected: "no-store, or absent",
          actual: targeted,
          message: `a ${ex.response!.status} carrying a token says ${name}: ${targeted}, so that CDN may keep it whatever Cache-Control says`,
        });
      }
    }
    return found;
  },
});

/** Cache-Control fields that target one kind of cache and override Cache-Control there (RFC 9213). */
const TARGETED_CACHE_CONTROL = ["cdn-cache-control", "cloudflare-cdn-cache-control", "surrogate-control"];
