// What of an exchange may appear in output: secrets and the tokens a run learns, redacted in place.
import type { Case } from "./case-types.ts";
import type { Exchange } from "./http.ts";
import { stringMembers } from "./json-members.ts";
import { createRedactor, REDACTED, type Redactor } from "./redact.ts";

/** The exchange as it may appear in output: request secrets redacted (writeOnly properties, credentials);
 * the response kept as received (its text, or its bytes when they are not UTF-8; its header lines with
 * repeats) with known secrets and tokens replaced in place, never re-serialised. `caseSecrets` are the
 * passwords this case submitted (made-up ones included), redacted in this exchange only. */
export function redactExchange(ex: Exchange, redactor: Redactor, secretProps: Set<string>, caseSecrets: string[]): Exchange {
  const local = createRedactor(caseSecrets);
  const text = (t: string) => local.text(redactor.text(t));
  let body = ex.request.body;
  if (body !== undefined) {
    try {
      body = JSON.stringify(redactor.json(JSON.parse(body), secretProps));
    } catch {
      body = text(body);
    }
  }
  const res = ex.response;
  const bodyBytes = res ? local.bytes(redactor.bytes(res.bodyBytes)) : undefined;
  // A body that held a secret or a token is shown with it replaced: its Content-Length would tell the
  // replaced value's length (the body's length as received, less the rest of the body shown).
  const altered = res !== undefined && !Buffer.from(bodyBytes!).equals(Buffer.from(res.bodyBytes));
  const lengthHidden = (k: string, v: string) => (altered && k.toLowerCase() === "content-length" ? `${REDACTED} (the body held a secret or a token)` : v);
  const pair = ([k, v]: [string, string]): [string, string] => [k, lengthHidden(k, Object.values(local.headers(redactor.headers({ [k]: v })))[0]!)];
  const headers = (h: Record<string, string>) =>
    Object.fromEntries(Object.entries(local.headers(redactor.headers(h))).map(([k, v]) => [k, lengthHidden(k, v)]));
  return {
    ...ex,
    request: { ...ex.request, headers: redactor.headers(ex.request.headers), ...(body !== undefined ? { body } : {}) },
    ...(res
      ? { response: { ...res, headers: headers(res.headers), rawHeaders: res.rawHeaders.map(pair), bodyText: text(res.bodyText), bodyBytes: bodyBytes! } }
      : {}),
    ...(ex.error ? { error: { ...ex.error, message: text(ex.error.message) } } : {}),
  };
}

export function submittedSecrets(kase: Case | undefined, secretProps: Set<string>): string[] {
  const body = kase?.body;
  if (!body || typeof body !== "object") return [];
  return Object.entries(body as Record<string, unknown>)
    .filter(([k, v]) => secretProps.has(k) && typeof v === "string")
    .map(([, v]) => v as string);
}

export const TOKEN_MEMBERS = new Set(["access_token", "refresh_token", "id_token", "mfa_token", "oob_code"]);

export function learnTokens(ex: Exchange, redactor: Redactor) {
  const text = ex.response?.bodyText ?? "";
  // A member named as a token member is written out in the text, unless an escape spells its name: a body with
  // neither (most refusals) is not parsed.
  if (!text.includes("\\") && ![...TOKEN_MEMBERS].some((name) => text.includes(name))) return;
  for (const token of stringMembers(text, TOKEN_MEMBERS)) redactor.addSecret(token, "token");
}
