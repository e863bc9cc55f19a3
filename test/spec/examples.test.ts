// Every example in the spec validates against its schema, with the generated validators.
import { describe, expect, it } from "vitest";
import { Ajv2020 } from "ajv/dist/2020.js";
import { readFileSync } from "node:fs";
import * as validators from "../../generated/validators.js";
import type { Validator } from "../../generated/validators.js";
import { schemaBundle } from "../../scripts/generate-lib.ts";

type Json = Record<string, any>;
const spec = JSON.parse(readFileSync(new URL("../../generated/openapi.json", import.meta.url), "utf8")) as Json;

function resolve(node: Json): Json {
  if (typeof node.$ref !== "string") return node;
  const target = (node.$ref as string)
    .slice(2)
    .split("/")
    .reduce((o: Json, k) => o[k], spec);
  return resolve(target);
}

/** The precompiled validator for a body schema: bodies must reference a component schema. */
function validatorFor(schema: Json, where: string): Validator {
  const ref = schema.$ref as string | undefined;
  expect(ref, `${where}: a body schema must be a $ref to a component, so it has a precompiled validator`).toMatch(/^#\/components\/schemas\//);
  const fn = (validators as unknown as Record<string, Validator>)[`validate${ref!.split("/").pop()}`];
  expect(fn, `${where}: no generated validator for ${ref}`).toBeTypeOf("function");
  return fn!;
}

/** Every (where, value, validator) of a media-type example in request bodies and responses. */
function mediaExamples(): Array<[string, unknown, Validator]> {
  const out: Array<[string, unknown, Validator]> = [];
  for (const [p, item] of Object.entries(spec.paths as Json)) {
    for (const [method, op] of Object.entries(item as Json)) {
      const bodies: Array<[string, Json]> = [];
      if (op.requestBody) bodies.push([`${method} ${p} request`, resolve(op.requestBody)]);
      for (const [status, r] of Object.entries((op.responses ?? {}) as Json)) bodies.push([`${method} ${p} ${status}`, resolve(r as Json)]);
      for (const [where, body] of bodies) {
        for (const [mediaType, media] of Object.entries((body.content ?? {}) as Json)) {
          const validate = validatorFor(media.schema, `${where} ${mediaType}`);
          const named = Object.entries((media.examples ?? {}) as Json).map(([n, ex]) => [n, resolve(ex as Json).value] as const);
          expect(named.length + (media.example === undefined ? 0 : 1), `${where} ${mediaType} has no example`).toBeGreaterThan(0);
          for (const [name, value] of named) out.push([`${where} ${mediaType} example "${name}"`, value, validate]);
          if (media.example !== undefined) out.push([`${where} ${mediaType} example`, media.example, validate]);
        }
      }
    }
  }
  return out;
}

function decodeJwtPart(part: string): Json {
  return JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Json;
}

describe("spec examples", () => {
  const examples = mediaExamples();

  it("covers every request body and response of both operations", () => {
    // 2 operations x (1 request + 6 responses), some with several named examples.
    expect(examples.length).toBeGreaterThanOrEqual(14);
  });

  it.each(examples)("%s validates", (_where, value, validate) => {
    const ok = validate(value);
    expect(validate.errors ?? [], "validation errors").toEqual([]);
    expect(ok).toBe(true);
  });

  it("names the email and phone forms of the login body", () => {
    const body = resolve(spec.paths["/accounts/{aid}/customers/login"].post.requestBody);
    const named = body.content["application/json"].examples as Json;
    expect(named.email.value).toHaveProperty("email");
    expect(named.phone.value).toMatchObject({ ident_type: "phone_number" });
  });

  it("access tokens in examples are structurally valid JWTs whose exp - iat equals expires_in", () => {
    const tokens = examples.map(([, v]) => v as Json).filter((v) => v && typeof v.access_token === "string");
    expect(tokens.length).toBeGreaterThanOrEqual(3);
    for (const t of tokens) {
      const parts = (t.access_token as string).split(".");
      expect(parts).toHaveLength(3);
      for (const part of parts) expect(part).toMatch(/^[A-Za-z0-9_-]+$/);
      const header = decodeJwtPart(parts[0]!);
      const claims = decodeJwtPart(parts[1]!);
      expect(header.alg).toBeTypeOf("string");
      expect(claims.exp - claims.iat).toBe(t.expires_in);
    }
  });

  it("schema, parameter and header examples validate against their own schema", () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const bundle = schemaBundle(spec);
    ajv.addSchema(bundle);
    let checked = 0;
    const visit = (node: unknown, pointer: string) => {
      if (!node || typeof node !== "object") return;
      const n = node as Json;
      if ("example" in n && !("content" in n)) {
        const ok = ajv.validate({ $ref: `${bundle.$id}#${pointer}` }, n.example);
        expect(ok, `${pointer}: ${ajv.errorsText()}`).toBe(true);
        checked++;
      }
      for (const [k, v] of Object.entries(n)) if (k !== "example" && k !== "examples") visit(v, `${pointer}/${k}`);
    };
    visit(bundle.$defs, "/$defs");
    for (const [name, p] of Object.entries((spec.components.parameters ?? {}) as Json)) {
      expect(validators.validateAccountId(p.example), `parameter ${name} example`).toBe(true);
      checked++;
    }
    for (const [name, h] of Object.entries((spec.components.headers ?? {}) as Json)) {
      expect(ajv.validate(h.schema, h.example), `header ${name} example`).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(12);
  });
});
