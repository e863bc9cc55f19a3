// The request a case sends (spec-derived headers, the bearer it needs, its body) and the values its answer yields.
import { basicAuthorization } from "../lib/basic-auth.ts";
import { resolvePointer } from "../lib/json-pointer.ts";
import type { Capture, Case } from "./case-types.ts";
import { tamperedJws } from "./forged-tokens.ts";
import type { Exchange } from "./http.ts";
import type { SpecModel } from "./spec.ts";
import type { SuiteConfig } from "./types.ts";

export function buildRequest(kase: Case, config: SuiteConfig, spec: SpecModel, baseUrl: string, captured: ReadonlyMap<Capture, string>) {
  const op = spec.operations[kase.operation];
  const aid = encodeURIComponent(kase.aid ?? config.accountId);
  // Content-Type and Accept are the spec's: the first documented request media type, and every media type
  // the operation's responses document (a spec that adds one asks for it with no code change).
  const accept = [...new Set([...op.responses.values()].flatMap((r) => [...r.content.keys()]))].join(", ");
  const headers: Record<string, string> = { "content-type": kase.contentType ?? op.requestMediaTypes[0]!, accept };
  const from = typeof kase.auth === "object" && "bearerFrom" in kase.auth ? kase.auth : undefined;
  const taken = from ? captured.get(from.bearerFrom) : undefined;
  const tampered = from?.tamper && taken ? tamperedJws(taken, from.tamper) : undefined;
  const bearer = kase.auth === "bearer" ? captured.get("clientBearer") : tampered && "value" in tampered ? tampered.value : taken;
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  else if (kase.auth === "basic" && kase.otherClient && config.otherClient) {
    headers.authorization = basicAuthorization(config.otherClient.clientId, config.otherClient.clientSecret);
  } else if (kase.auth === "basic" && config.auth.kind === "client_credentials") {
    headers.authorization = basicAuthorization(config.auth.clientId, config.auth.clientSecret);
  } else if (typeof kase.auth === "object" && "authorization" in kase.auth) headers.authorization = kase.auth.authorization;
  return {
    method: kase.method ?? op.method,
    // The login's path names the account `aid`; the token endpoint's `oid` is given the same account id.
    url: `${baseUrl}${op.pathTemplate.replace(/\{(?:aid|oid)\}/, aid)}`,
    headers,
    body: kase.rawBody ?? (kase.body === undefined ? undefined : JSON.stringify(bodyOf(kase, captured))),
  };
}

/** The case's body with the properties it takes from earlier exchanges filled in. */
export function bodyOf(kase: Case, captured: ReadonlyMap<Capture, string>): unknown {
  if (!kase.bodyFrom) return kase.body;
  const taken = Object.entries(kase.bodyFrom).map(([k, capture]) => [k, captured.get(capture)]);
  return { ...(kase.body as Record<string, unknown>), ...Object.fromEntries(taken.filter(([, v]) => v !== undefined)) };
}

/** The string at a JSON pointer of a 2xx JSON response, or why there is none. */
export function captureFrom(ex: Exchange, pointer: string, fromRefusal = false): { value: string } | { missing: string } {
  const status = ex.response?.status;
  if (status === undefined) return { missing: `got no answer (${ex.error?.message ?? "no response"})` };
  const accepted = fromRefusal ? status >= 400 && status < 500 && status !== 429 : status >= 200 && status < 300;
  if (!accepted) return { missing: `was answered ${status}` };
  try {
    const node = resolvePointer(JSON.parse(ex.response!.bodyText), pointer);
    return typeof node === "string" && node ? { value: node } : { missing: `had no string at ${pointer}` };
  } catch {
    return { missing: "did not answer JSON" };
  }
}
