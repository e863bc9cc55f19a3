// generated/client-validators.js: exactly the validators src/ uses, free of annotations, and judging every
// value as generated/validators.js does (same verdict, same errors).
import fc from "fast-check";
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as client from "../../../generated/client-validators.js";
import * as full from "../../../generated/validators.js";
import type { Validator } from "../../../generated/validators.js";
import { CLIENT_PROPERTIES, CLIENT_SCHEMAS, propertyValidatorName, withoutAnnotations } from "../../../scripts/generate-lib.ts";

const clientJs = readFileSync(new URL("../../../generated/client-validators.js", import.meta.url), "utf8");
const spec = JSON.parse(readFileSync(new URL("../../../generated/openapi.json", import.meta.url), "utf8")) as Record<string, unknown>;
const srcDir = new URL("../../../src/", import.meta.url);

/** Every `validateX` that src/ imports from a generated module, by module. */
function importedValidators(): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  for (const file of readdirSync(srcDir)) {
    const text = readFileSync(new URL(file, srcDir), "utf8");
    for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*"\.\.\/generated\/([\w-]+)\.js"/g)) {
      const names = m[1]!
        .split(",")
        .map((s) => s.trim())
        .filter((s) => /^validate\w+$/.test(s));
      const set = found.get(m[2]!) ?? new Set<string>();
      for (const name of names) set.add(name);
      found.set(m[2]!, set);
    }
  }
  return found;
}

describe("the client's validators", () => {
  it("are exactly those src/ imports, and src/ imports no validator from the full module", () => {
    const imported = importedValidators();
    const expected = [...CLIENT_SCHEMAS, ...CLIENT_PROPERTIES.map(propertyValidatorName)].map((n) => `validate${n}`).sort();
    expect([...(imported.get("client-validators") ?? [])].sort()).toEqual(expected);
    expect([...(imported.get("validators") ?? [])]).toEqual([]);
    const exported = Object.keys(client)
      .filter((k) => k.startsWith("validate"))
      .sort();
    expect(exported).toEqual(expected);
  });

  it("carry no annotation from the spec: no description, example, title or x- extension", () => {
    const prose: string[] = [];
    JSON.stringify(spec, (key, value) => {
      if (["description", "summary", "title"].includes(key) && typeof value === "string" && value.length > 12) prose.push(value);
      return value;
    });
    expect(prose.length).toBeGreaterThan(5);
    for (const text of prose) expect(clientJs).not.toContain(JSON.stringify(text).slice(1, 30));
    expect(clientJs).not.toMatch(/"(description|example|examples|title|writeOnly|x-[\w-]+)":/);
  });

  // Values near the schemas' rules: valid bodies with one field changed, and anything at all.
  const fieldValue = fc.oneof(
    fc.string({ maxLength: 6 }),
    fc.constantFrom("customer", "Bearer", "email", "T12345678", "x".repeat(256)),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.object({ maxDepth: 1 }),
  );
  const shaped = fc.dictionary(
    fc.constantFrom(
      "access_token",
      "token_type",
      "expires_in",
      "refresh_token",
      "audience",
      "type",
      "password",
      "email",
      "ident_type",
      "ident",
      "grant_type",
      "error",
      "mfa_token",
    ),
    fieldValue,
  );
  const errorShaped = fc.record(
    { error: fc.dictionary(fc.constantFrom("code", "message", "errors", "mfa_token"), fc.oneof(fieldValue, fc.array(fieldValue, { maxLength: 2 }))) },
    { requiredKeys: [] },
  );

  for (const name of CLIENT_SCHEMAS) {
    it(`validate${name} gives the same verdict and errors as the full module`, () => {
      const ours = (client as unknown as Record<string, Validator>)[`validate${name}`]!;
      const theirs = (full as unknown as Record<string, Validator>)[`validate${name}`]!;
      fc.assert(
        fc.property(fc.oneof(shaped, errorShaped, fc.anything(), fieldValue), (value) => {
          expect(ours(value)).toBe(theirs(value));
          expect(ours.errors ?? null).toEqual(theirs.errors ?? null);
        }),
        { numRuns: 400 },
      );
    });
  }
});

describe("withoutAnnotations", () => {
  it("drops annotations and x- extensions at every schema position, and keeps data that looks like them", () => {
    const schema = {
      type: "object",
      description: "gone",
      "x-source": "gone",
      properties: {
        description: { type: "string", example: "gone", "x-curated": "gone" },
        title: { enum: [{ description: "kept: enum data" }] },
      },
      anyOf: [{ title: "gone", required: ["description"] }],
      items: { const: { example: "kept: const data" }, $comment: "gone" },
      $defs: { A: { default: 1, minimum: 0 } },
    };
    expect(withoutAnnotations(schema)).toEqual({
      type: "object",
      properties: { description: { type: "string" }, title: { enum: [{ description: "kept: enum data" }] } },
      anyOf: [{ required: ["description"] }],
      items: { const: { example: "kept: const data" } },
      $defs: { A: { minimum: 0 } },
    });
    expect(withoutAnnotations(true)).toBe(true);
  });
});
