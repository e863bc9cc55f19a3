// Every rule of the bundled spec says where it comes from (x-source: a Dintero page listed in openapi/SOURCES.md, or x-curated: why we decided it).
import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import * as validators from "../../generated/validators.js";
import type { Validator } from "../../generated/validators.js";
import { projectRoot } from "../../scripts/generate-lib.ts";
import { curatedOnlyAlong, listedSources, provenanceAt, provenanceProblems } from "../../scripts/provenance.ts";

type Json = Record<string, any>;
const spec = JSON.parse(readFileSync(path.join(projectRoot, "generated", "openapi.json"), "utf8")) as Json;
const sourcesMd = readFileSync(path.join(projectRoot, "openapi", "SOURCES.md"), "utf8");
const sources = listedSources(sourcesMd);
const copy = () => structuredClone(spec);

const LOGIN = "/paths/~1accounts~1{aid}~1customers~1login/post";
const TOKEN = "/paths/~1accounts~1{oid}~1auth~1token/post";
const D1 = "https://docs.dintero.com/api-reference/password/login-with-emailpassword";
const D2 = "https://docs.dintero.com/api-reference/authenticate/get-token";
const D4 = "https://docs.dintero.com/docs/errors";

/** Every x-source URL used anywhere in the spec. */
function usedSources(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => usedSources(n, out));
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k === "x-source") for (const url of [v].flat()) out.add(String(url));
      else usedSources(v, out);
    }
  }
  return out;
}

describe("provenance of the bundled spec", () => {
  it("SOURCES.md lists the Dintero pages an x-source may name", () => {
    expect(sources).toHaveLength(10);
    expect(sources).toEqual(expect.arrayContaining([D1, D2, D4]));
    for (const url of sources) expect(url).toMatch(/^https:\/\/(docs\.dintero\.com|github\.com\/Dintero)\//);
  });

  it("every operation, parameter, request body, response, header, security scheme, schema, property and branch carries a well-formed x-source or x-curated", () => {
    expect(provenanceProblems(spec, sources)).toEqual([]);
  });

  it("every listed source documents at least one node, and no node names an unlisted page", () => {
    const used = usedSources(spec);
    expect([...used].sort()).toEqual([...sources].sort());
  });

  it("fails naming the JSON pointer of each node whose annotation is removed", () => {
    const broken = copy();
    const removed = [
      [LOGIN, broken.paths["/accounts/{aid}/customers/login"].post],
      ["/components/parameters/OwnerId", broken.components.parameters.OwnerId],
      ["/components/requestBodies/LoginCredentials", broken.components.requestBodies.LoginCredentials],
      ["/components/responses/LoginTooManyRequests", broken.components.responses.LoginTooManyRequests],
      ["/components/headers/RequestId", broken.components.headers.RequestId],
      ["/components/securitySchemes/BasicAuth", broken.components.securitySchemes.BasicAuth],
      ["/components/schemas/AccessToken", broken.components.schemas.AccessToken],
      ["/components/schemas/AccessToken/properties/expires_in", broken.components.schemas.AccessToken.properties.expires_in],
      ["/components/schemas/Error/properties/error/properties/message", broken.components.schemas.Error.properties.error.properties.message],
      ["/components/schemas/LoginCredentials/allOf/0/anyOf/1", broken.components.schemas.LoginCredentials.allOf[0].anyOf[1]],
      ["/components/schemas/LoginCredentials/allOf/0/anyOf/0/properties/email", broken.components.schemas.LoginCredentials.allOf[0].anyOf[0].properties.email],
      ["/components/schemas/MfaError/allOf/1/properties/mfa_token", broken.components.schemas.MfaError.allOf[1].properties.mfa_token],
    ] as const;
    for (const [, node] of removed) {
      delete node["x-source"];
      delete node["x-curated"];
    }
    const problems = provenanceProblems(broken, sources);
    expect(problems.map((p) => p.pointer).sort()).toEqual(removed.map(([pointer]) => pointer).sort());
    for (const p of problems) expect(p.problem).toBe("has neither x-source nor x-curated");
  });

  it("walks inline nodes too: an inline parameter, response, header and a nested property need their own annotation; a $ref is covered by its target", () => {
    const broken = copy();
    const op = broken.paths["/accounts/{oid}/auth/token"].post;
    op.parameters = [{ name: "oid", in: "path", required: true, schema: { type: "string" } }];
    op.responses["418"] = {
      description: "inline",
      headers: { "x-inline": { schema: { type: "string" } } },
      content: {
        "application/json": {
          schema: { type: "object", properties: { nested: { type: "object", "x-curated": "A test node.", properties: { leaf: { type: "string" } } } } },
        },
      },
    };
    op.responses["200"] = { $ref: "#/components/responses/ClientTokenSuccess" };
    expect(provenanceProblems(broken, sources).map((p) => p.pointer)).toEqual([
      `${TOKEN}/parameters/0`,
      `${TOKEN}/responses/418`,
      `${TOKEN}/responses/418/headers/x-inline`,
      `${TOKEN}/responses/418/content/application~1json/schema/properties/nested/properties/leaf`,
    ]);
  });

  it("rejects malformed values: not https, not a listed page, an empty list, a curated reason that is not one sentence", () => {
    const broken = copy();
    const props = broken.components.schemas.AccessToken.properties;
    props.access_token["x-source"] = "http://docs.dintero.com/api-reference/authenticate/get-token";
    props.token_type["x-source"] = "https://example.com/not-dintero";
    props.refresh_token["x-source"] = [];
    props.expires_in["x-curated"] = "Two sentences. This is the second.";
    broken.components.schemas.IdentType["x-curated"] = "";
    const problems = provenanceProblems(broken, sources)
      .map((p) => `${p.pointer}: ${p.problem}`)
      .sort();
    const at = "/components/schemas/AccessToken/properties";
    expect(problems).toEqual(
      [
        `${at}/access_token: x-source "http://docs.dintero.com/api-reference/authenticate/get-token" is not an https URL`,
        `${at}/token_type: x-source https://example.com/not-dintero is not one of the listed sources`,
        `${at}/expires_in: x-curated must be one sentence ending with a full stop, got "Two sentences. This is the second."`,
        `${at}/refresh_token: x-source is an empty list`,
        `/components/schemas/IdentType: x-curated must be one sentence ending with a full stop, got ""`,
      ].sort(),
    );
  });
});

describe("the curated narrowings do not pose as Dintero's", () => {
  const schemas = spec.components.schemas;

  it("expires_in has no minimum, and says why (curated), beside Dintero's description (sourced)", () => {
    const expiresIn = schemas.AccessToken.properties.expires_in;
    expect(expiresIn).not.toHaveProperty("minimum");
    expect(expiresIn).not.toHaveProperty("exclusiveMinimum");
    expect(expiresIn["x-source"]).toContain(D1);
    expect(expiresIn["x-curated"]).toMatch(/token semantics/);
  });

  it("the 429 on login is curated only; the token endpoint's 429 is Dintero's", () => {
    const login429 = provenanceAt(spec, `${LOGIN}/responses/429`)!;
    expect(login429).toMatchObject({ pointer: "/components/responses/LoginTooManyRequests", sources: [] });
    expect(login429.curated).toMatch(/token endpoint only/);
    const token429 = provenanceAt(spec, `${TOKEN}/responses/429`)!;
    expect(token429.sources).toContain(D2);
    expect(token429.curated).toBeUndefined();
  });

  it("request-id is described as optional and curated, and required nowhere", () => {
    const header = spec.components.headers.RequestId;
    expect(header.required ?? false).toBe(false);
    expect(header["x-source"]).toBeUndefined();
    expect(header["x-curated"]).toMatch(/documents no `request-id`/);
    expect(JSON.stringify(spec)).not.toMatch(/"required":\s*\[[^\]]*"request-id"/);
  });

  it("every example with an error code says the code is illustrative", () => {
    let checked = 0;
    for (const [name, response] of Object.entries(spec.components.responses as Json)) {
      for (const media of Object.values((response.content ?? {}) as Json)) {
        for (const [exName, example] of Object.entries((media.examples ?? {}) as Json)) {
          if (typeof example.value?.error?.code !== "string") continue;
          expect(example.description, `${name} example ${exName}`).toMatch(/illustrative/);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(7);
  });

  it("the token endpoint takes Dintero's oid (4 or 9 characters) and lists both of Dintero's hosts", () => {
    const op = spec.paths["/accounts/{oid}/auth/token"].post;
    expect(op.operationId).toBe("aid_auths_oauth_token_post");
    expect(op.servers.map((s: Json) => s.url)).toEqual(["https://api.dintero.com/v1", "https://checkout.dintero.com/v1"]);
    expect(spec.components.parameters.OwnerId).toMatchObject({
      name: "oid",
      in: "path",
      schema: { pattern: "^[PT]{1}(?=(?:.{3}|.{8})$)[0-9]*$" },
      "x-source": D2,
    });
  });
});

describe("provenanceAt: the source of the rule at a JSON pointer", () => {
  it("follows $refs from an operation to the component property, and reports the nearest annotated ancestor", () => {
    const body = `${LOGIN}/responses/200/content/application~1json/schema`;
    expect(provenanceAt(spec, `${body}/properties/expires_in`)).toMatchObject({
      pointer: "/components/schemas/AccessToken/properties/expires_in",
      sources: [D1, D2],
    });
    // A keyword below the property (what an Ajv schemaPath ends with) inherits the property's provenance.
    expect(provenanceAt(spec, `#${body}/properties/expires_in/type`)?.pointer).toBe("/components/schemas/AccessToken/properties/expires_in");
    expect(provenanceAt(spec, `${TOKEN}/responses/403/content/application~1json/schema/allOf/0/properties/error/properties/errors/items`)).toMatchObject({
      pointer: "/components/schemas/Error/properties/error/properties/errors",
      sources: [D4],
    });
    expect(provenanceAt(spec, `${LOGIN}/parameters/0/schema/pattern`)).toMatchObject({ pointer: "/components/parameters/AccountId", sources: [D1] });
  });

  it("curatedOnlyAlong finds a node that is this project's rule alone on the way down (what the suite judges as advisory)", () => {
    // The header component is documented (the token endpoint's Retry-After), but on the login it hangs under the curated 429.
    expect(provenanceAt(spec, `${LOGIN}/responses/429/headers/Retry-After`)?.sources.length).toBeGreaterThan(0);
    expect(curatedOnlyAlong(spec, `${LOGIN}/responses/429/headers/Retry-After/schema/type`)).toMatchObject({
      pointer: "/components/responses/LoginTooManyRequests",
      sources: [],
    });
    expect(curatedOnlyAlong(spec, `${TOKEN}/responses/429/headers/Retry-After/schema/type`)).toBeUndefined();
    // Documented and curated together (expires_in: Dintero's field, our note on its missing minimum) is not curated alone.
    expect(curatedOnlyAlong(spec, `${LOGIN}/responses/200/content/application~1json/schema/properties/expires_in/type`)).toBeUndefined();
    expect(curatedOnlyAlong(spec, `${LOGIN}/responses/404`)).toBeUndefined();
  });

  it("is undefined for a pointer that does not resolve", () => {
    expect(provenanceAt(spec, `${LOGIN}/responses/404`)).toBeUndefined();
    expect(provenanceAt(spec, "/components/schemas/AccessToken/properties/nope")).toBeUndefined();
    expect(provenanceAt(spec, "components/schemas")).toBeUndefined();
  });

  it("traces every error the generated validators report to an annotated node (schemaPath below the component)", () => {
    const broken: Array<[string, unknown]> = [
      ["AccessToken", { access_token: 1, token_type: "bearer", expires_in: "1", refresh_token: 2 }],
      ["AccessToken", []],
      ["LoginCredentials", { audience: 1, type: "admin", password: "x", ident_type: "fax", ident: 3 }],
      ["LoginCredentials", { password: "x".repeat(256), email: 5 }],
      ["Error", { error: { code: 1, errors: [1], message: 2 } }],
      ["MfaError", { error: {}, mfa_token: 7 }],
      ["ClientCredentialsTokenRequest", { grant_type: "password", audience: 1 }],
      ["AccountId", "X1"],
      ["OwnerId", "T12345"],
      ["IdentType", "fax"],
    ];
    let traced = 0;
    for (const [name, value] of broken) {
      const validate = (validators as unknown as Record<string, Validator>)[`validate${name}`]!;
      expect(validate(value), name).toBe(false);
      const base = name in spec.components.schemas ? `/components/schemas/${name}` : `/components/parameters/${name}/schema`;
      for (const error of validate.errors ?? []) {
        // The generated validators compile `$defs` whose refs point at `#/$defs/X`: map those back to the spec's components.
        const schemaPath = error.schemaPath.replace(/^.*#\/\$defs\/([^/]+)/, "#/components/schemas/$1");
        const pointer = schemaPath.startsWith("#/components/") ? schemaPath : `${base}${schemaPath.slice(1)}`;
        const found = provenanceAt(spec, pointer);
        expect(found, `${name} ${error.schemaPath}`).toBeDefined();
        expect(found!.sources.length > 0 || found!.curated !== undefined).toBe(true);
        traced++;
      }
    }
    expect(traced).toBeGreaterThanOrEqual(20);
  });
});

describe("where a person meets a rule, they see its source", () => {
  it("the generated types keep the descriptions and add the provenance to their JSDoc", () => {
    const types = readFileSync(path.join(projectRoot, "generated", "schema.d.ts"), "utf8");
    const jsdoc = (member: string) => {
      const at = types.indexOf(`${member};`);
      expect(at, member).toBeGreaterThan(0);
      return types.slice(types.lastIndexOf("/**", at), at);
    };
    expect(jsdoc("expires_in: number")).toMatch(
      /The lifetime in seconds of the access token[\s\S]*Source: https:\/\/docs\.dintero\.com\/api-reference\/password\/login-with-emailpassword[\s\S]*Curated: No minimum/,
    );
    expect(jsdoc("message: string")).toMatch(/The human readable description of the error\/warning[\s\S]*Source: https:\/\/docs\.dintero\.com\/docs\/errors/);
    expect(types).toContain("Curated: Dintero documents no `request-id` header");
  });

  it("nothing in the project refers to a facts file outside the repository", () => {
    const outside = ["..", "shared"].join("/");
    const offenders: string[] = [];
    // Build output and run reports are not part of a clone (see .gitignore).
    const skip = new Set(["node_modules", ".git", "dist", "reports"].map((d) => path.join(projectRoot, d)));
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const file = path.join(dir, name);
        if (skip.has(file) || name === "node_modules") continue;
        if (statSync(file).isDirectory()) walk(file);
        else if (/\.(ts|mts|mjs|js|json|md|yaml|yml)$/.test(name) && readFileSync(file, "utf8").includes(outside))
          offenders.push(path.relative(projectRoot, file));
      }
    };
    walk(projectRoot);
    expect(offenders).toEqual([]);
  });
});
