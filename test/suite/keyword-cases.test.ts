// The suite derives its cases from every validation keyword, at any depth, with no list of fields: on a
// schema that states each keyword once (nested objects, arrays, const, formats, bounds, oneOf,
// additionalProperties), every rule gets a body that breaks exactly it and, where it has a bound, bodies
// at the bound (lengths in code points, also in whitespace, zero-width, combining and astral characters).
import { describe, expect, it } from "vitest";
import { boundBodies, boundCases } from "../../contract-tests/keyword-cases.ts";
import { bodyMutations, keywordMutations, pathParamMutations } from "../../contract-tests/mutations.ts";
import { CHARACTER_CLASSES, classString, keywordSites, pointerOf, VALIDATION_KEYWORDS } from "../../contract-tests/schema-keywords.ts";
import { loadSpec, type Json } from "../../contract-tests/spec.ts";

const spec = loadSpec();

/** Every keyword the suite derives from, each at least once, some only below the top level. */
const schema: Json = {
  type: "object",
  required: ["name", "address", "tags"],
  additionalProperties: false,
  properties: {
    name: { type: "string", pattern: "^[A-Z][a-z]+$", minLength: 2, maxLength: 12 },
    age: { type: "integer", minimum: 18, maximum: 120 },
    score: { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 10 },
    version: { const: 2 },
    contact: { type: "string", format: "email" },
    address: {
      type: "object",
      required: ["zip", "country"],
      additionalProperties: false,
      properties: {
        zip: { type: "string", pattern: "^\\d{4}$" },
        country: { type: "string", enum: ["NO", "SE"] },
        street: { type: "string", minLength: 3, maxLength: 40 },
      },
    },
    tags: { type: "array", items: { type: "string", maxLength: 5 } },
    channel: {
      type: "object",
      oneOf: [
        { type: "object", required: ["sms"], properties: { sms: { type: "string" } } },
        { type: "object", required: ["mail"], properties: { mail: { type: "string" } } },
      ],
    },
  },
};
const base = {
  name: "Ada",
  age: 30,
  score: 5,
  version: 2,
  contact: "ada@example.com",
  address: { zip: "0150", country: "NO", street: "Main street" },
  tags: ["a"],
  channel: { sms: "+4790000000" },
};
const isValid = spec.validator(schema);

describe("keyword cases", () => {
  it("the base body is valid, and every keyword of the list is stated by the schema", () => {
    expect(isValid(base)).toBe(true);
    const stated = new Set(keywordSites(schema).map((s) => s.keyword));
    for (const k of VALIDATION_KEYWORDS.filter((k) => k !== "anyOf")) expect(stated, k).toContain(k);
  });

  it("breaks every rule at every depth, each body refused by the schema for that keyword", () => {
    const mutations = bodyMutations(schema, base, isValid);
    const broken = new Set(mutations.map((m) => `${m.pointer} ${m.rule}`));
    for (const rule of [
      "/name pattern",
      "/name minLength",
      "/name maxLength",
      "/age minimum",
      "/age maximum",
      "/score exclusiveMinimum",
      "/score exclusiveMaximum",
      "/version const",
      "/contact format",
      "/address/zip pattern",
      "/address/country enum",
      "/address/street minLength",
      "/address/street maxLength",
      "/address/zip required",
      "/address/country required",
      "/address additionalProperties",
      " additionalProperties",
      "/tags/* maxLength",
      "/channel oneOf",
    ])
      expect(broken, rule).toContain(rule);
    for (const m of mutations) expect(isValid(m.body), m.id).toBe(false);
  });

  it("derives regex-dialect identifiers from a pattern, kept only where ECMA-262 refuses them", () => {
    const ids = keywordMutations(schema, base, isValid)
      .filter((m) => m.pointer === "/address/zip" && m.rule === "pattern")
      .map((m) => m.id);
    expect(ids).toEqual(
      expect.arrayContaining(["pattern.trailing_newline.address.zip", "pattern.unicode_digits.address.zip", "pattern.fullwidth_digits.address.zip"]),
    );
    const aid = spec.operations.login.pathParams.get("aid")!.schema;
    const values = pathParamMutations(aid as never, "T12345678", spec.validator(aid)).map((m) => [m.id, m.value]);
    expect(values).toEqual(
      expect.arrayContaining([
        ["pattern.trailing_newline", "T12345678\n"],
        ["pattern.unicode_digits", "T١٢٣٤٥٦٧٨"],
      ]),
    );
  });

  it("values at every bound, in code points, also of whitespace, zero-width, combining and astral characters", () => {
    const bodies = boundBodies(schema, base, isValid, 1);
    const ids = bodies.map((b) => b.id);
    for (const id of [
      "minLength.name",
      "maxLength.name",
      "minimum.age",
      "maximum.age",
      "exclusiveMinimum.score",
      "exclusiveMaximum.score",
      "const.version",
      "pattern.name",
      "minLength.address.street",
      "maxLength.address.street",
    ])
      expect(ids, id).toContain(id);
    // street has no pattern: each character class fills it at both bounds; name's pattern refuses them
    for (const cls of CHARACTER_CLASSES) for (const k of ["minLength", "maxLength"]) expect(ids).toContain(`${k}.${cls.id}.address.street`);
    expect(ids.some((id) => id.includes("whitespace.name"))).toBe(false);
    for (const b of bodies) expect(isValid(b.body), b.id).toBe(true);
    const street = bodies.find((b) => b.id === "maxLength.astral.address.street")!.body.address as { street: string };
    expect([[...street.street].length, street.street.length]).toEqual([40, 79]);
  });

  it("a class string has exactly n code points", () => {
    for (const cls of CHARACTER_CLASSES) for (const n of [1, 4, 5, 255]) expect([...classString(cls, n)].length).toBe(n);
    expect(pointerOf(["a/b", "c~d"])).toBe("/a~1b/c~0d");
  });

  it("the login today: the password at both bounds in every character class, for each form", () => {
    const login = spec.operations.login.requestSchema;
    const body = { audience: "https://api.dintero.com/v1/accounts/T12345678", type: "customer", email: "made.up@example.com", password: "plainpassword" };
    const ids = boundBodies(login as never, body, spec.validator(login), 1).map((b) => b.id);
    for (const cls of CHARACTER_CLASSES) expect(ids).toEqual(expect.arrayContaining([`minLength.${cls.id}.password`, `maxLength.${cls.id}.password`]));
  });
});

describe("bounds of an identity field", () => {
  it("vary only the made-up identity: no unusual value of their own, so a stricter identity check is advisory", () => {
    // The maintainer's edit from the spec drill: a pattern and maxLength: 254 on the login email.
    const login = spec.operations.login;
    const schema = structuredClone(login.requestSchema) as Json & { properties: Record<string, Json> };
    schema.properties.email = { ...schema.properties.email!, pattern: "^[^@\\s]+@[^@\\s]+$", maxLength: 254 };
    const edited = { ...spec, operations: { ...spec.operations, login: { ...login, requestSchema: schema } } };
    const base = { audience: "https://api.dintero.com/v1/accounts/T12345678", type: "customer", email: "made.up@example.com", password: "abcd-efgh" };
    const found = boundCases(edited, base, "email", "login.generated.valid.control.email", 7, new Set());
    const unusualOf = (id: string) => (found.find((c) => c.id === id)?.expect as { unusual?: string[] } | undefined)?.unusual;
    expect(unusualOf("login.bounds.email.maxLength.email")).toEqual([]);
    expect(unusualOf("login.bounds.email.pattern.email")).toEqual([]);
    // a bound of the password stays the body's own unusual value
    expect(unusualOf("login.bounds.email.maxLength.password")).toEqual(["password at a length bound"]);
  });
});
