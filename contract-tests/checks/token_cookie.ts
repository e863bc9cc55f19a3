// token_cookie: a cookie that carries a token or a secret is kept from plain http, scripts and other sites.
import { canonicalize } from "../../src/redact.ts";
import { defineCheck, type Found } from "./check.ts";
import { answered } from "./support/exchange.ts";
import { carriesToken, parsedTokens } from "./support/tokens.ts";

/** Shorter secrets are matched only as a cookie's whole value: a 4-digit PIN turns up by chance in a session id. */
const MIN_INSIDE = 6;

/** What each attribute keeps a cookie's value from when it is there. */
const PROTECTIONS = [
  { attribute: "Secure", without: "sent over plain http too (RFC 6265 §4.1.2.5)" },
  { attribute: "HttpOnly", without: "readable by every script of the page (RFC 6265 §4.1.2.6)" },
  { attribute: "SameSite", without: "sent with requests other sites start (RFC 6265bis §4.1.2.7: Strict or Lax)" },
] as const;

/** A Set-Cookie line as RFC 6265 §5.2 reads it: the name and value before the first ";", then attributes whose
 * names are case-insensitive. */
export function parseSetCookie(line: string): { name: string; value: string; attributes: Map<string, string> } {
  const [pair = "", ...rest] = line.split(";");
  const eq = pair.indexOf("=");
  const attributes = new Map<string, string>();
  for (const av of rest) {
    const at = av.indexOf("=");
    const key = (at < 0 ? av : av.slice(0, at)).trim().toLowerCase();
    if (key) attributes.set(key, at < 0 ? "" : av.slice(at + 1).trim());
  }
  return { name: eq < 0 ? "" : pair.slice(0, eq).trim(), value: (eq < 0 ? pair : pair.slice(eq + 1)).trim(), attributes };
}

export const tokenCookie = defineCheck({
  name: "token_cookie",
  severity: "standard",
  severityReason:
    "a token or secret in a cookie without Secure, HttpOnly and SameSite is exposed: sent in clear over http, " +
    "read by any script injected into the page, sent with requests other sites make the browser send",
  source: {
    ref:
      "this project's rule (Dintero sets no cookie on these answers), after RFC 6265 §4.1.2.5 (Secure), §4.1.2.6 " +
      "(HttpOnly), RFC 6265bis §4.1.2.7 (SameSite) and OWASP's Session Management Cheat Sheet (cookies)",
    url: "https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html#cookies",
  },
  catches:
    "a Set-Cookie whose value carries a token (one the response issues, or a live bearer of the run) or a configured " +
    "secret, as sent or percent-decoded, without all of Secure, HttpOnly and SameSite=Strict or Lax; a cookie that " +
    "carries none of them is not judged",
  judges: [],
  appliesTo: (ex) => answered(ex) && (carriesToken(ex) || ex.response!.rawHeaders.some(([name]) => name.toLowerCase() === "set-cookie")),
  run(ex, ctx) {
    // What a cookie may carry, with what it is: a finding names the kind, never the value.
    const carried: Array<[string, string]> = [
      ...parsedTokens(ex).map((t): [string, string] => [t, "a token this response issues"]),
      ...(ctx.tokens ?? []).map((t): [string, string] => [t, "a live bearer of the run"]),
      ...ctx.secrets.map((s): [string, string] => [s, "a configured secret (password or client secret)"]),
    ].filter(([value]) => value !== "");
    const found: Found[] = [];
    for (const [header, line] of ex.response!.rawHeaders) {
      if (header.toLowerCase() !== "set-cookie") continue;
      const cookie = parseSetCookie(line);
      const values = [cookie.value, canonicalize(cookie.value)];
      const kind = carried.find(([secret]) => (secret.length >= MIN_INSIDE ? values.some((v) => v.includes(secret)) : values.some((v) => v === secret)))?.[1];
      if (!kind) continue;
      const sameSite = cookie.attributes.get("samesite")?.toLowerCase();
      const missing = PROTECTIONS.filter(({ attribute }) =>
        attribute === "SameSite" ? sameSite !== "strict" && sameSite !== "lax" : !cookie.attributes.has(attribute.toLowerCase()),
      );
      if (!missing.length) continue;
      const name = cookie.name || "(no name)";
      const lacking = missing.map((m) => (m.attribute === "SameSite" && sameSite ? `SameSite (it says ${sameSite})` : m.attribute));
      found.push({
        rule: "a cookie that carries a token or secret says Secure, HttpOnly and SameSite=Strict or Lax",
        pointer: "set-cookie (header)",
        expected: "Secure; HttpOnly; SameSite=Strict or Lax",
        actual: `cookie ${name} carries ${kind}; missing ${lacking.join(", ")}`,
        message:
          `a ${ex.response!.status} sets cookie ${name} carrying ${kind} without ${missing.map((m) => m.attribute).join(", ")}: ` +
          missing.map((m) => m.without).join("; "),
      });
    }
    return found;
  },
});
