// token_caching: a response carrying a token is not cacheable, and never storable by a shared cache.
import type { Exchange } from "../http.ts";
import { defineCheck, type Found } from "./check.ts";
import { rfc } from "./support/sources.ts";
import { carriesToken } from "./support/tokens.ts";

const HYGIENE_REASON =
  "a response to POST is stored by a shared cache only with explicit freshness and a Content-Location " +
  "equal to the request URI (RFC 9110 §9.3.3), which this one lacks: without no-store the token leaks " +
  "only together with another mistake";

export const tokenCaching = defineCheck({
  name: "token_caching",
  severity: "standard",
  severityReason:
    "a token response that a shared cache may store (explicit shared-cache freshness and a Content-Location " +
    "equal to the request URI, RFC 9110 §9.3.3) exposes a secret: the cache hands one caller's token to the " +
    `next; advisory: ${HYGIENE_REASON}`,
  source: rfc(6749, "5.1", "a response containing tokens MUST carry Cache-Control: no-store"),
  catches:
    "standard: a response carrying a token that a shared cache may store (RFC 9110 §9.3.3, RFC 9111 §3, " +
    "§3.5); advisory: one without Cache-Control: no-store, or with a CDN-targeted field that does not say " +
    "no-store or private",
  judges: [],
  notApplicableTo: (config) => (config.target.kind === "mock" ? "the spec documents no Cache-Control header, so a mock of it cannot send one" : undefined),
  appliesTo: (ex, ctx) => ctx.config.target.kind !== "mock" && carriesToken(ex),
  run(ex) {
    const headers = ex.response!.headers;
    const value = headers["cache-control"];
    const found: Found[] = [];
    const hygiene = { severity: "advisory" as const, severityReason: HYGIENE_REASON };
    const storable = sharedStorable(ex);
    if (storable) {
      found.push({
        severity: "standard",
        severityReason: "a shared cache may store this token response and serve it to the next caller of the same URI: the token, a secret, is exposed",
        source: rfc(9110, "9.3.3", "a POST response with explicit freshness and a Content-Location equal to the target URI is cacheable"),
        rule: "a token response is not storable by a shared cache (RFC 9110 §9.3.3; RFC 9111 §3, §3.5)",
        pointer: `${storable.field} (header)`,
        expected: "no-store (or private), or no Content-Location equal to the request URI",
        actual: `${storable.field}: ${storable.policy}; Content-Location: ${headers["content-location"]}`,
        message:
          `a ${ex.response!.status} carrying a token says ${storable.field}: ${storable.policy} and Content-Location: ` +
          `${headers["content-location"]} (the request URI), so a shared cache may store it and hand the token to its next caller`,
      });
    }
    if (!directives(value).has("no-store"))
      found.push({
        ...hygiene,
        rule: "Cache-Control: no-store on a token response",
        pointer: "cache-control (header)",
        expected: "no-store",
        actual: value ?? "(none)",
        message: `a ${ex.response!.status} carrying a token ${value ? `says Cache-Control: ${value}` : "has no Cache-Control"}, so a cache may keep it`,
      });
    // Targeted fields override Cache-Control for the caches they name (RFC 9213 §2.1): a CDN obeys its own.
    for (const name of TARGETED_CACHE_CONTROL) {
      const targeted = headers[name];
      if (targeted !== undefined && !directives(targeted).has("no-store") && !directives(targeted).has("private")) {
        found.push({
          ...hygiene,
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

/** The directive names of a Cache-Control value, lower-cased (RFC 9111 §5.2: case-insensitive). */
function directives(value: string | undefined): Set<string> {
  return new Set(
    (value ?? "")
      .split(",")
      .map((d) => d.trim().toLowerCase().split("=")[0]!.trim())
      .filter(Boolean),
  );
}

/**
 * The field whose policy lets a shared cache store this POST response, or undefined. RFC 9110 §9.3.3: a
 * POST response is cacheable only with explicit freshness and a Content-Location equal to the target
 * URI; RFC 9111 §3: not with no-store, and not by a shared cache with private; §3.5: a request with
 * Authorization (every request of this API carries one) only with public, s-maxage or must-revalidate.
 * A targeted field (RFC 9213) replaces Cache-Control for the caches it names.
 */
function sharedStorable(ex: Exchange): { field: string; policy: string } | undefined {
  const headers = ex.response!.headers;
  let location: string | undefined;
  try {
    location = headers["content-location"] === undefined ? undefined : new URL(headers["content-location"], ex.request.url).href;
  } catch {
    return undefined;
  }
  if (location === undefined || location !== new URL(ex.request.url).href) return undefined;
  const authorized = Object.keys(ex.request.headers).some((h) => h.toLowerCase() === "authorization");
  for (const field of ["cache-control", ...TARGETED_CACHE_CONTROL]) {
    const policy = headers[field];
    if (policy === undefined) continue;
    const d = directives(policy);
    if (d.has("no-store") || d.has("private") || d.has("no-cache")) continue;
    const fresh = d.has("max-age") || d.has("s-maxage") || (field === "cache-control" && headers.expires !== undefined);
    if (fresh && (!authorized || d.has("public") || d.has("s-maxage") || d.has("must-revalidate"))) return { field, policy };
  }
  return undefined;
}
