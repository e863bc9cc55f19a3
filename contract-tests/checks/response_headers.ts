// response_headers: documented response headers match their schema; Retry-After parses.
import { RETRY_FALLBACK_S } from "../http.ts";
import { parseRetryAfter } from "../retry-after.ts";
import type { Json } from "../spec.ts";
import { defineCheck, type Finding, type Found } from "./check.ts";
import { escapePointer } from "./support/body.ts";
import { answered, documentedMethod } from "./support/exchange.ts";
import { rfc } from "./support/sources.ts";
import { specRule } from "./support/spec-rule.ts";

/** A header value as its schema's type: strict (an integer is digits only), undefined when it is not. */
function headerValue(raw: string, schema: Json | undefined): unknown {
  const types = schema ? (Array.isArray(schema.type) ? schema.type : [schema.type]) : [];
  if (types.includes("integer") && /^-?\d+$/.test(raw)) return Number(raw);
  if (types.includes("number") && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(raw)) return Number(raw);
  if (types.includes("boolean") && (raw === "true" || raw === "false")) return raw === "true";
  return raw;
}

export const responseHeaders = defineCheck({
  name: "response_headers",
  severity: "contract",
  severityReason:
    "a consumer reads the headers Dintero documents (the token endpoint's Retry-After, in seconds): one " +
    "that breaks its schema or is missing misleads it; standard: a Retry-After on a 429 or 503 that RFC " +
    "9110's grammar cannot read; advisory: a rule only this project states (the login's curated 429)",
  source: {
    ref: "each response's documented headers (#/components/headers); Retry-After: RFC 9110 §10.2.3",
    url: "https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3",
  },
  catches:
    "a documented response header that breaks its schema (Retry-After: an integer of delay-seconds), is " +
    "missing though required, or a Retry-After that is neither delay-seconds nor an HTTP-date",
  judges: [],
  appliesTo: (ex, ctx) => answered(ex) && documentedMethod(ctx),
  run(ex, ctx) {
    const res = ex.response!;
    const findings: Found[] = [];
    const documented = ctx.op.responses.get(res.status)?.headers ?? new Map();
    const statusPointer = `${ctx.op.pointer}/responses/${res.status}/headers`;
    for (const [key, h] of documented) {
      const raw = res.headers[key];
      const base = { pointer: `${h.name} (header)`, ...specRule(ctx.spec.doc, `${statusPointer}/${escapePointer(h.name)}`) };
      if (raw === undefined) {
        if (h.required)
          findings.push({
            ...base,
            rule: "required header",
            expected: "present",
            actual: "(none)",
            message: `${res.status} lacks the required ${h.name} header`,
          });
        continue;
      }
      const lines = res.rawHeaders.filter(([k]) => k.toLowerCase() === key).length;
      const validate = h.schema ? ctx.spec.validator(h.schema) : undefined;
      if (validate && !validate(headerValue(raw, h.schema))) {
        const e = validate.errors?.[0];
        findings.push({
          ...base,
          rule: `${e?.keyword ?? "schema"} (${e?.schemaPath ?? "#"})`,
          expected: `${e?.message ?? "its schema"} ${JSON.stringify(h.schema?.type ?? "")}`,
          actual: `${JSON.stringify(raw)}${lines > 1 ? ` (${lines} header lines, joined as a Fetch client sees them)` : ""}`,
          message: `${res.status} ${h.name}: ${JSON.stringify(raw)} ${e?.message ?? "breaks its schema"}`,
        });
      }
    }
    // Retry-After is judged by RFC 9110's grammar wherever it appears, documented or not. Where Dintero
    // documents it on this response (the token endpoint's 429, as seconds) a schema finding above is the
    // contract one and says it all; elsewhere (the login's curated 429, any 503) the grammar is the
    // standard's: a consumer told to wait on a 429 or 503 (RFC 6585 §4, RFC 9110 §15.6.4) cannot read
    // for how long, which harms it; on other statuses Retry-After asks nothing of it (advisory).
    const retryAfter = res.headers["retry-after"];
    const judgedByContract = findings.some((f) => f.pointer?.toLowerCase() === "retry-after (header)" && f.severity === undefined);
    if (retryAfter !== undefined && !judgedByContract && parseRetryAfter(retryAfter).kind === "invalid") {
      const waits = res.status === 429 || res.status === 503;
      const severity: Pick<Finding, "severity" | "severityReason"> = waits
        ? {
            severity: "standard",
            severityReason:
              `a consumer told to wait (${res.status}) cannot read for how long: it retries too early, adding load ` +
              `to a server that asked for less, or gives up`,
          }
        : { severity: "advisory", severityReason: `on a ${res.status} Retry-After asks nothing of a consumer` };
      findings.push({
        rule: "Retry-After = HTTP-date / delay-seconds",
        pointer: "retry-after (header)",
        expected: "digits, or an IMF-fixdate such as Sun, 06 Nov 1994 08:49:37 GMT",
        actual: JSON.stringify(retryAfter),
        message:
          `${res.status} Retry-After ${JSON.stringify(retryAfter)} is neither delay-seconds nor an HTTP-date ` +
          `(the suite never reads that as 0: it waits ${RETRY_FALLBACK_S} s before a retry)`,
        ...severity,
        source: rfc(9110, "10.2.3", "Retry-After"),
      });
    }
    return findings;
  },
});
