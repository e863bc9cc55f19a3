// response_schema_conformance: a response body matches the schema documented for its status.
import { type Json, mediaTypeOf } from "../spec.ts";
import { defineCheck } from "./check.ts";
import { escapePointer, parseBody, valueAt } from "./support/body.ts";
import { documentedMethod } from "./support/exchange.ts";
import { specPointer } from "./support/sources.ts";
import { specRule } from "./support/spec-rule.ts";

export const responseSchemaConformance = defineCheck({
  name: "response_schema_conformance",
  severity: "contract",
  severityReason:
    "a body that does not match the schema Dintero documents for its status is misread by a typed " +
    "consumer, or makes it throw; advisory under a node only this project states (the login's 429)",
  source: specPointer("#/components/schemas"),
  catches: "a response body that does not match the schema documented for its status (extra properties only with --strict)",
  judges: ["well_formed"],
  appliesTo(ex, ctx) {
    const res = ex.response;
    const type = mediaTypeOf(res?.headers["content-type"]);
    return documentedMethod(ctx) && !!res && !!type && ctx.op.responses.get(res.status)?.content.get(type) !== undefined && parseBody(ex)?.ok === true;
  },
  run(ex, ctx) {
    const res = ex.response!;
    const type = mediaTypeOf(res.headers["content-type"])!;
    const schema = ctx.op.responses.get(res.status)!.content.get(type)! as Json;
    const schemaPointer = `${ctx.op.pointer}/responses/${res.status}/content/${escapePointer(type)}/schema`;
    const body = (parseBody(ex) as { value: unknown }).value;
    const validate = ctx.spec.validator(schema, ctx.config.strict);
    if (validate(body)) return [];
    return (validate.errors ?? []).map((e) => ({
      check: "response_schema_conformance",
      rule: `${e.keyword} (${e.schemaPath})`,
      pointer: e.instancePath,
      expected: `${e.message ?? e.keyword}${Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ""}`,
      actual: JSON.stringify(valueAt(body, e.instancePath)) ?? "undefined",
      message: `${res.status} body${e.instancePath ? ` at ${e.instancePath}` : ""} ${e.message ?? e.keyword}`,
      ...specRule(ctx.spec.doc, `${schemaPointer}${e.schemaPath.replace(/^#/, "")}`),
    }));
  },
});
