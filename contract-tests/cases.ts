// The requests the suite sends: known-good requests, one-rule-broken mutations derived generically
// from the spec's schemas, auth and credential cases. Generated (property-based) cases: generated-cases.ts.
import { createHmac, randomBytes } from "node:crypto";
import fc from "fast-check";
import type { Case, Tamper } from "./case-types.ts";
import { identityFieldNames, secretFieldNames } from "./request-fields.ts";
import { shapedLike } from "./shaped-like.ts";
import type { Identity, SuiteConfig } from "./types.ts";
import type { Json, SpecModel } from "./spec.ts";

export type { Capture, Case, CaseGroup, CaseKind, Expectation, Tamper } from "./case-types.ts";

/** The issued JWS with one tamper applied, or why it cannot be (not a 3-part JWS with a JSON payload). */
export function tamperedJws(token: string, tamper: Tamper): { value: string } | { cannot: string } {
  const parts = token.split(".");
  if (parts.length !== 3 || !parts[2]) return { cannot: "the issued bearer is not a signed JWS (3 parts), so it cannot be tampered with this way" };
  const [head, payload, sig] = parts as [string, string, string];
  if (tamper === "empty_signature") return { value: `${head}.${payload}.` };
  if (tamper === "truncated_signature") return { value: `${head}.${payload}.${sig.slice(0, Math.ceil(sig.length / 2))}` };
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
    const edited = {
      ...claims,
      sub: `${String(claims.sub ?? "")}-edited`,
      exp: typeof claims.exp === "number" ? claims.exp + 86_400 : Math.floor(Date.now() / 1000) + 86_400,
    };
    return { value: `${head}.${Buffer.from(JSON.stringify(edited)).toString("base64url")}.${sig}` };
  } catch {
    return { cannot: "the issued bearer's payload is not base64url JSON" };
  }
}

export const MOCK_NO_USER_STORE = "a mock has no user store: Prism answers every well-formed request with the spec's example, whatever the credentials";
export const MOCK_NO_TOKEN_CHECK = "Prism checks that a bearer is present, not that it is well-formed or that the server issued it";

type Schema = Json & { properties?: Record<string, Json>; required?: string[]; enum?: unknown[]; type?: string | string[] };

/** Properties of an object schema, including those its allOf/anyOf branches declare (root first). */
export function collectProperties(schema: Schema): Map<string, Schema> {
  const out = new Map<string, Schema>();
  const walk = (s: Schema) => {
    for (const [k, v] of Object.entries(s.properties ?? {})) if (!out.has(k)) out.set(k, v as Schema);
    for (const key of ["allOf", "anyOf", "oneOf"]) if (Array.isArray(s[key])) (s[key] as Schema[]).forEach(walk);
  };
  walk(schema);
  return out;
}

/** The schema's anyOf groups (either/or rules), found at the root or inside allOf. */
export function anyOfGroups(schema: Schema): Schema[][] {
  const groups: Schema[][] = [];
  const walk = (s: Schema) => {
    if (Array.isArray(s.anyOf)) groups.push(s.anyOf as Schema[]);
    if (Array.isArray(s.allOf)) (s.allOf as Schema[]).forEach(walk);
  };
  walk(schema);
  return groups;
}

function requiredOf(schema: Schema): string[] {
  const out = [...(schema.required ?? [])];
  if (Array.isArray(schema.allOf)) for (const m of schema.allOf as Schema[]) out.push(...requiredOf(m));
  return [...new Set(out)];
}

/** A JSON value of a type the schema does not allow. */
function wrongTypeValue(schema: Schema): unknown {
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes("string")) return 12345;
  if (types.includes("integer") || types.includes("number")) return "12";
  if (types.includes("boolean")) return "true";
  return "not-an-object";
}

function stringOfLength(seed: unknown, length: number): string {
  const unit = typeof seed === "string" && seed.length ? [...seed][0]! : "x";
  return unit.repeat(Math.max(0, length));
}

/** A valid value for a property missing from the base body (used to build a partial either/or form). */
function sampleValue(schema: Schema): unknown {
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (schema.example !== undefined) return schema.example;
  return stringOfLength("x", Number(schema.minLength ?? 8));
}

/** The proper non-empty subsets of a list, smallest first (a form's required fields: a handful). */
function properSubsets<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let mask = 1; mask < (1 << items.length) - 1; mask++) out.push(items.filter((_, i) => mask & (1 << i)));
  return out.sort((a, b) => a.length - b.length);
}

export interface Mutation {
  id: string;
  title: string;
  body: unknown;
  rule: string;
  pointer: string;
}

/** Bodies derived from a valid body by breaking exactly one rule of the schema. Each is checked to be
 * invalid against the schema itself, so a mutation the schema would accept is never sent as negative. */
export function bodyMutations(schema: Schema, base: Record<string, unknown>, isValid: (body: unknown) => boolean): Mutation[] {
  const out: Mutation[] = [];
  const add = (m: Mutation) => {
    if (!isValid(m.body) && !out.some((o) => JSON.stringify(o.body) === JSON.stringify(m.body))) out.push(m);
  };
  const without = (...names: string[]) => Object.fromEntries(Object.entries(base).filter(([k]) => !names.includes(k)));
  for (const name of requiredOf(schema)) {
    if (name in base) add({ id: `missing.${name}`, title: `required ${name} missing`, body: without(name), rule: "required", pointer: `/${name}` });
  }
  for (const [name, prop] of collectProperties(schema)) {
    const pointer = `/${name}`;
    if (Array.isArray(prop.enum)) {
      const off = `not-${prop.enum.map(String).join("-or-")}`;
      add({ id: `enum.${name}`, title: `${name} not one of ${prop.enum.join(", ")}`, body: { ...base, [name]: off }, rule: "enum", pointer });
    }
    if (!(name in base)) continue;
    // JSON Schema compares enum values exactly (2020-12 §6.1.2): the known-good value with its first letter
    // in the other case ("Customer", "Phone_number") catches a server that folds case.
    const value = base[name];
    if (Array.isArray(prop.enum) && typeof value === "string" && /^[a-z]/i.test(value)) {
      const other = (value[0] === value[0]!.toUpperCase() ? value[0]!.toLowerCase() : value[0]!.toUpperCase()) + value.slice(1);
      add({
        id: `enum.case.${name}`,
        title: `${name} "${other}" (${JSON.stringify(value)} in another case; enum values match exactly)`,
        body: { ...base, [name]: other },
        rule: "enum",
        pointer,
      });
    }
    if (typeof prop.minLength === "number" && prop.minLength > 0) {
      add({
        id: `minLength.${name}`,
        title: `${name} ${prop.minLength - 1} characters (minLength ${prop.minLength})`,
        body: { ...base, [name]: stringOfLength(base[name], prop.minLength - 1) },
        rule: "minLength",
        pointer,
      });
    }
    if (typeof prop.maxLength === "number") {
      add({
        id: `maxLength.${name}`,
        title: `${name} ${prop.maxLength + 1} characters (maxLength ${prop.maxLength})`,
        body: { ...base, [name]: stringOfLength(base[name], prop.maxLength + 1) },
        rule: "maxLength",
        pointer,
      });
    }
    // JSON Schema counts code points (2020-12 §6.3.1), not bytes or UTF-16 units: one bound just outside,
    // in characters that a server counting bytes (é: 2) or UTF-16 units (😀: 2) would count otherwise.
    if (typeof prop.minLength === "number" && prop.minLength > 1) {
      add({
        id: `minLength.multibyte.${name}`,
        title: `${name} ${prop.minLength - 1} two-byte characters (minLength ${prop.minLength} counts code points, not bytes)`,
        body: { ...base, [name]: "é".repeat(prop.minLength - 1) },
        rule: "minLength",
        pointer,
      });
    }
    if (typeof prop.maxLength === "number") {
      add({
        id: `maxLength.astral.${name}`,
        title: `${name} ${prop.maxLength + 1} characters outside the BMP (maxLength ${prop.maxLength} counts code points)`,
        body: { ...base, [name]: "😀".repeat(prop.maxLength + 1) },
        rule: "maxLength",
        pointer,
      });
    }
    if (prop.type !== undefined) {
      add({ id: `type.${name}`, title: `${name} of the wrong JSON type`, body: { ...base, [name]: wrongTypeValue(prop) }, rule: "type", pointer });
    }
  }
  add({ id: "type.body", title: "body an array instead of an object", body: [base], rule: "type", pointer: "" });
  for (const branches of anyOfGroups(schema)) {
    const all = [...new Set(branches.flatMap((b) => b.required ?? []))];
    add({ id: "anyOf.neither", title: `none of the either/or forms (${all.join(", ")} all missing)`, body: without(...all), rule: "anyOf", pointer: "" });
    const props = collectProperties(schema);
    // Every proper non-empty subset of each form's required fields (ident without ident_type too).
    for (const branch of branches) {
      const req = branch.required ?? [];
      for (const subset of properSubsets(req)) {
        const body = without(...all);
        for (const name of subset) body[name] = base[name] ?? sampleValue(props.get(name) ?? {});
        const missing = req.filter((n) => !subset.includes(n));
        add({
          id: `anyOf.partial.${subset.join("+")}`,
          title: `either/or form incomplete (${subset.join(", ")} without ${missing.join(", ")})`,
          body,
          rule: "anyOf",
          pointer: "",
        });
      }
    }
  }
  return out;
}

/** Ways to change one character, by class: each is tried at every position, and the first that breaks
 * the pattern is one case. A server that folds case, or checks only the length, serves some of them. */
const CHARACTER_CHANGES: Array<{ id: string; what: string; change(ch: string): string[] }> = [
  {
    id: "case",
    what: "a letter in the other case",
    change: (ch) => (/[A-Za-z]/.test(ch) ? [ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase()] : []),
  },
  {
    id: "letter",
    what: "another letter",
    change: (ch) => (/[A-Z]/.test(ch) ? [..."ABCDEFGHIJKLMNOPQRSTUVWXYZ"] : /[a-z]/.test(ch) ? [..."abcdefghijklmnopqrstuvwxyz"] : []).filter((c) => c !== ch),
  },
  { id: "letter_for_digit", what: "a letter among the digits", change: (ch) => (/\d/.test(ch) ? ["X", "x"] : []) },
];

/** Path parameter values breaking the parameter's pattern (one per kind of character change) or length,
 * each checked against its schema. */
export function pathParamMutations(
  schema: Schema,
  valid: string,
  isValid: (v: unknown) => boolean,
): Array<{ id: string; title: string; value: string; rule: string }> {
  const out: Array<{ id: string; title: string; value: string; rule: string }> = [];
  if (typeof schema.pattern === "string") {
    const seen = new Set<string>();
    for (const kind of CHARACTER_CHANGES) {
      search: for (let i = 0; i < valid.length; i++) {
        for (const c of kind.change(valid[i]!)) {
          const candidate = valid.slice(0, i) + c + valid.slice(i + 1);
          if (!isValid(candidate) && !seen.has(candidate)) {
            seen.add(candidate);
            out.push({ id: `pattern.${kind.id}`, title: `"${candidate}" (${kind.what}) does not match ${schema.pattern}`, value: candidate, rule: "pattern" });
            break search;
          }
        }
      }
    }
  }
  if (typeof schema.minLength === "number" && schema.minLength > 0) {
    const v = valid.slice(0, schema.minLength - 1);
    if (!isValid(v)) out.push({ id: "minLength", title: `${v.length} characters (minLength ${schema.minLength})`, value: v, rule: "minLength" });
  }
  if (typeof schema.maxLength === "number") {
    const v = valid + valid.slice(-1).repeat(schema.maxLength + 1 - valid.length);
    if (!isValid(v)) out.push({ id: "maxLength", title: `${v.length} characters (maxLength ${schema.maxLength})`, value: v, rule: "maxLength" });
  }
  return out;
}

/** HMAC keys that ship as defaults or examples (jwt.io's, the tutorials' "secret", an empty key): a server
 * that accepts a token signed with one has that key, and anyone can mint its bearers (RFC 8725 §3.5). */
export const WELL_KNOWN_HMAC_KEYS: Array<{ id: string; key: string; what: string }> = [
  { id: "secret", key: "secret", what: '"secret"' },
  { id: "jwt_io", key: "your-256-bit-secret", what: "jwt.io's example key" },
  { id: "empty", key: "", what: "an empty key" },
];

/** A structurally valid, plausible JWT signed with a key the server never saw (or with `key`). */
export function forgedJwt(config: SuiteConfig, scopes: string[], key?: string, embedKey = false): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const head = b64({ alg: "HS256", typ: "JWT", ...(embedKey && key !== undefined ? { jwk: { kty: "oct", k: Buffer.from(key).toString("base64url") } } : {}) });
  const payload = b64({
    iss: `${config.target.baseUrl}/accounts/${config.accountId}/auth/token`,
    aud: config.audience,
    sub: "contract-suite-forged",
    iat: now,
    exp: now + 3600,
    scope: scopes.join(" "),
  });
  const sig = createHmac("sha256", key ?? randomBytes(32))
    .update(`${head}.${payload}`)
    .digest("base64url");
  return `${head}.${payload}.${sig}`;
}

/** An unsigned JWT (alg "none", RFC 7519 §6): it must never be accepted as a bearer. */
export function unsignedJwt(config: SuiteConfig, scopes: string[], alg = "none"): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const iss = `${config.target.baseUrl}/accounts/${config.accountId}/auth/token`;
  const claims = { iss, aud: config.audience, sub: "contract-suite-unsigned", iat: now, exp: now + 3600, scope: scopes.join(" ") };
  return `${b64({ alg, typ: "JWT" })}.${b64(claims)}.`;
}

/** An identity's fields with every identifying value made up in the same shape (ident_type kept). */
export function madeUpFields(identity: Identity, seed: number): Record<string, string> {
  return Object.fromEntries(
    Object.entries(identity.fields).map(([k, v], i) => [k, k === "ident_type" ? v : fc.sample(shapedLike(v), { seed: seed + 500 + i, numRuns: 1 })[0]!]),
  );
}

export function loginBody(spec: SpecModel, config: SuiteConfig, identity: Identity, password = identity.password): Record<string, unknown> {
  const [secret] = [...secretFieldNames(spec.operations.login.requestSchema)];
  return { audience: config.audience, type: config.loginType, ...identity.fields, [secret!]: password };
}

export function tokenBody(spec: SpecModel, config: SuiteConfig): Record<string, unknown> {
  const example = Object.values(spec.operations.token.requestExamples)[0] as Record<string, unknown>;
  return { ...example, audience: config.audience };
}

/** Every fixed case of a run, in sending order (the token request first: it yields the bearer). */
export function fixedCases(spec: SpecModel, config: SuiteConfig): Case[] {
  const mock = config.target.kind === "mock";
  const cases: Case[] = [];
  const login = spec.operations.login;
  const token = spec.operations.token;
  const loginValid = spec.validator(login.requestSchema);
  const tokenValid = spec.validator(token.requestSchema);
  const wrongMediaTypeOf = (types: string[]) => ["text/plain", "application/x-www-form-urlencoded"].find((t) => !types.includes(t))!;
  const wrongMediaType = wrongMediaTypeOf(login.requestMediaTypes);

  if (config.auth.kind === "client_credentials") {
    const body = tokenBody(spec, config);
    cases.push({
      id: "token.known_good",
      group: "token",
      operation: "token",
      title: "client credentials token request",
      auth: "basic",
      body,
      expect: { kind: "success" },
      captures: { clientBearer: "/access_token" },
    });
    cases.push({
      id: "token.auth.none",
      group: "auth",
      operation: "token",
      title: "token request without Basic credentials",
      auth: "none",
      body,
      expect: { kind: "auth_rejection", rule: "no Authorization header", anyDocumented4xx: true },
    });
    // The client's own bearer where the token endpoint asks for Basic: a leaked bearer must not renew itself.
    cases.push({
      id: "token.auth.bearer_instead_of_basic",
      group: "auth",
      operation: "token",
      title: "token request with the issued client bearer instead of Basic credentials",
      auth: { bearerFrom: "clientBearer" },
      needs: ["clientBearer"],
      body,
      expect: { kind: "auth_rejection", rule: "the token endpoint takes the client's Basic credentials, not a bearer", anyDocumented4xx: true },
      ...(mock ? { notApplicable: MOCK_NO_TOKEN_CHECK } : {}),
    });
    const wrongSecret = `Basic ${Buffer.from(`${config.auth.clientId}:wrong-${randomBytes(6).toString("hex")}`).toString("base64")}`;
    cases.push({
      id: "token.auth.wrong_secret",
      group: "auth",
      operation: "token",
      title: "token request with a wrong client secret",
      auth: { authorization: wrongSecret },
      body,
      expect: { kind: "auth_rejection", rule: "wrong client secret" },
      ...(mock ? { notApplicable: "Prism checks that Basic credentials are present, not that they are right" } : {}),
    });
    for (const m of bodyMutations(token.requestSchema as Schema, body, tokenValid)) {
      cases.push({
        id: `token.negative.${m.id}`,
        group: "negative",
        operation: "token",
        title: m.title,
        auth: "basic",
        body: m.body,
        expect: { kind: "rejection", status: "validation", rule: m.rule, pointer: m.pointer },
      });
    }
    // The token path's oid (D2: `T` or `P` and 8 or 3 digits) and media type, broken one at a time.
    const oidSchema = token.pathParams.get("oid")?.schema as Schema | undefined;
    for (const m of oidSchema ? pathParamMutations(oidSchema, config.accountId, spec.validator(oidSchema)) : []) {
      cases.push({
        id: `token.negative.oid.${m.id}`,
        group: "negative",
        operation: "token",
        title: `oid ${m.title}`,
        aid: m.value,
        auth: "basic",
        body,
        expect: { kind: "rejection", status: "any_4xx", rule: m.rule, pointer: "/oid (path)" },
      });
    }
    const tokenWrongType = wrongMediaTypeOf(token.requestMediaTypes);
    cases.push({
      id: "token.negative.content_type",
      group: "negative",
      operation: "token",
      title: `Content-Type ${tokenWrongType}`,
      auth: "basic",
      contentType: tokenWrongType,
      body,
      expect: { kind: "rejection", status: "any_4xx", rule: `request media type ${token.requestMediaTypes.join(", ")}`, pointer: "" },
    });
  }

  const [secretField] = [...secretFieldNames(login.requestSchema)];
  for (const identity of config.identities) {
    const body = loginBody(spec, config, identity);
    const form = identity.label;
    // The first known-good login that succeeds yields the customer token later cases use as a (wrong)
    // bearer: if the email form's ends in a 429 not waited out, the ident form's serves.
    const captures = { captures: { customerToken: "/access_token" } } as const;
    cases.push({
      id: `login.${form}.known_good`,
      group: "known_good",
      operation: "login",
      title: `known-good login, ${form} form`,
      auth: "bearer",
      body,
      expect: { kind: "success" },
      ...captures,
    });
    // A body whose password breaks a rule is a wrong-password attempt on a server that checks the
    // credentials before the body: it carries a made-up identity of the same shape, never the real one
    // (the real identity gets one wrong password per run). Other mutations keep the real identity with its
    // right password, so that a server ignoring the broken rule logs it in and is caught plainly.
    const madeUp = madeUpFields(identity, config.seed);
    for (const m of bodyMutations(login.requestSchema as Schema, body, loginValid)) {
      const mutated = m.pointer === `/${secretField}` && m.body && typeof m.body === "object" && !Array.isArray(m.body) ? { ...m.body, ...madeUp } : m.body;
      cases.push({
        id: `login.${form}.negative.${m.id}`,
        group: "negative",
        operation: "login",
        title: m.title,
        auth: "bearer",
        body: mutated,
        expect: { kind: "rejection", status: "validation", rule: m.rule, pointer: m.pointer },
      });
    }
  }

  const first = config.identities[0]!;
  const good = loginBody(spec, config, first);
  const aidSchema = login.pathParams.get("aid")!.schema as Schema;
  for (const m of pathParamMutations(aidSchema, config.accountId, spec.validator(aidSchema))) {
    cases.push({
      id: `login.negative.aid.${m.id}`,
      group: "negative",
      operation: "login",
      title: `aid ${m.title}`,
      aid: m.value,
      auth: "bearer",
      body: good,
      expect: { kind: "rejection", status: "any_4xx", rule: m.rule, pointer: "/aid (path)" },
    });
  }
  cases.push({
    id: "login.negative.not_json",
    group: "negative",
    operation: "login",
    title: "body is not JSON",
    auth: "bearer",
    rawBody: `${JSON.stringify(good).slice(0, 20)}…not json`,
    expect: { kind: "rejection", status: "any_4xx", rule: "media type application/json", pointer: "" },
  });
  cases.push({
    id: "login.negative.content_type",
    group: "negative",
    operation: "login",
    title: `Content-Type ${wrongMediaType}`,
    auth: "bearer",
    contentType: wrongMediaType,
    body: good,
    expect: { kind: "rejection", status: "any_4xx", rule: `request media type ${login.requestMediaTypes.join(", ")}`, pointer: "" },
  });

  const scopes = login.security.flatMap((s) => s.scopes);
  // An empty or malformed bearer, or another scheme, is a malformed request as much as a bad credential:
  // RFC 6750 §3.1 answers it 400 invalid_request, and Dintero documents 400 on the login, so any documented
  // 4xx refuses it. No header at all, and a well-formed JWT the server never issued, must get 401 (or 403).
  cases.push({
    id: "login.auth.none",
    group: "auth",
    operation: "login",
    title: "no Authorization header",
    auth: "none",
    body: good,
    expect: { kind: "auth_rejection", rule: "no Authorization header" },
  });
  cases.push({
    id: "login.auth.empty_bearer",
    group: "auth",
    operation: "login",
    title: "Bearer scheme without a token",
    auth: { authorization: "Bearer" },
    body: good,
    expect: { kind: "auth_rejection", rule: "empty bearer", anyDocumented4xx: true },
  });
  if (config.auth.kind === "client_credentials") {
    const basic = `Basic ${Buffer.from(`${config.auth.clientId}:${config.auth.clientSecret}`).toString("base64")}`;
    cases.push({
      id: "login.auth.wrong_scheme",
      group: "auth",
      operation: "login",
      title: "Basic client credentials where the spec asks for a bearer",
      auth: { authorization: basic },
      body: good,
      expect: { kind: "auth_rejection", rule: "wrong authentication scheme", anyDocumented4xx: true },
    });
  }
  cases.push({
    id: "login.auth.malformed",
    group: "auth",
    operation: "login",
    title: "malformed bearer (not a JWT)",
    auth: { authorization: "Bearer not.a-valid.jwt!" },
    body: good,
    expect: { kind: "auth_rejection", rule: "malformed bearer", anyDocumented4xx: true },
    ...(mock ? { notApplicable: MOCK_NO_TOKEN_CHECK } : {}),
  });
  cases.push({
    id: "login.auth.forged_jwt",
    group: "auth",
    operation: "login",
    title: "well-formed JWT the server never issued",
    auth: { authorization: `Bearer ${forgedJwt(config, scopes)}` },
    body: good,
    expect: { kind: "auth_rejection", rule: "JWT not issued by the server" },
    ...(mock ? { notApplicable: MOCK_NO_TOKEN_CHECK } : {}),
  });
  cases.push({
    id: "login.auth.alg_none",
    group: "auth",
    operation: "login",
    title: "unsigned JWT (alg none) with the right audience and scope",
    auth: { authorization: `Bearer ${unsignedJwt(config, scopes)}` },
    body: good,
    expect: { kind: "auth_rejection", rule: "an unsigned JWT (alg none) is no credential" },
    ...(mock ? { notApplicable: MOCK_NO_TOKEN_CHECK } : {}),
  });
  // "none" in another case: algorithm names are case-sensitive (RFC 7518 §3.1), a server that folds case
  // before its alg check takes "NONE" as unsigned and accepted (RFC 8725 §2.1, §3.1).
  cases.push({
    id: "login.auth.alg_none_upper",
    group: "auth",
    operation: "login",
    title: 'unsigned JWT with alg "NONE" (algorithm names are case-sensitive)',
    auth: { authorization: `Bearer ${unsignedJwt(config, scopes, "NONE")}` },
    body: good,
    expect: { kind: "auth_rejection", rule: "an unsigned JWT is no credential, whatever the case of its alg" },
    ...(mock ? { notApplicable: MOCK_NO_TOKEN_CHECK } : {}),
  });
  // The issued client bearer, tampered with (RFC 7515 §5.2, RFC 8725 §3.1): a server that compares the
  // signature as a prefix, caches verification by signature, or skips an empty one accepts these.
  const tampers: Array<[Tamper, string]> = [
    ["empty_signature", "its signature removed"],
    ["truncated_signature", "its signature cut in half"],
    ["payload_edited", "its claims edited (sub, exp + 1 day) under the original signature"],
  ];
  for (const [tamper, what] of tampers) {
    cases.push({
      id: `login.auth.tampered.${tamper}`,
      group: "auth",
      operation: "login",
      title: `the issued client bearer with ${what}`,
      auth: { bearerFrom: "clientBearer", tamper },
      needs: ["clientBearer"],
      body: good,
      expect: { kind: "auth_rejection", rule: "a token the server issued, once altered, is no credential" },
      ...(mock ? { notApplicable: MOCK_NO_TOKEN_CHECK } : {}),
    });
  }
  // A token carrying its own verification key in its header (RFC 7515 §4.1.3; CVE-2018-0114).
  cases.push({
    id: "login.auth.embedded_jwk",
    group: "auth",
    operation: "login",
    title: "HS256 JWT with the right audience and scope, verified by the key in its own jwk header",
    auth: { authorization: `Bearer ${forgedJwt(config, scopes, "self-supplied-key", true)}` },
    body: good,
    expect: { kind: "auth_rejection", rule: "a token that brings its own key is no credential (RFC 8725 §3.1)" },
    ...(mock ? { notApplicable: MOCK_NO_TOKEN_CHECK } : {}),
  });
  for (const weak of WELL_KNOWN_HMAC_KEYS) {
    cases.push({
      id: `login.auth.weak_key.${weak.id}`,
      group: "auth",
      operation: "login",
      title: `HS256 JWT with the right audience and scope, signed with ${weak.what}`,
      auth: { authorization: `Bearer ${forgedJwt(config, scopes, weak.key)}` },
      body: good,
      expect: { kind: "auth_rejection", rule: "a JWT signed with a well-known key is no credential (RFC 8725 §3.5)" },
      ...(mock ? { notApplicable: MOCK_NO_TOKEN_CHECK } : {}),
    });
  }

  const na = mock ? { notApplicable: MOCK_NO_USER_STORE } : {};
  const wrongPassword = `wrong-${randomBytes(8).toString("hex")}`;
  cases.push({
    id: "login.credentials.wrong_password",
    group: "credentials",
    operation: "login",
    title: `known ${first.label} identity, wrong password (one attempt per run)`,
    auth: "bearer",
    body: loginBody(spec, config, first, wrongPassword),
    expect: { kind: "credentials_rejection", rule: "wrong password" },
    ...na,
  });
  // Every further identity form (the phone number and its PIN) is checked too, with one wrong password of
  // its own: a server may compare the password in one form and not in the other.
  for (const other of config.identities.slice(1)) {
    cases.push({
      id: `login.credentials.${other.label}.wrong_password`,
      group: "credentials",
      operation: "login",
      title: `known ${other.label} identity, wrong password (one attempt per run)`,
      auth: "bearer",
      body: loginBody(spec, config, other, `wrong-${randomBytes(8).toString("hex")}`),
      expect: { kind: "credentials_rejection", rule: "wrong password" },
      ...na,
    });
  }
  const identityFields = identityFieldNames(spec);
  const unknown: Identity = {
    label: first.label,
    password: `unknown-${randomBytes(8).toString("hex")}`,
    fields: Object.fromEntries(
      Object.entries(first.fields).map(([k, v]) => [
        k,
        identityFields.includes(k) && k !== "ident_type" ? `unknown-${randomBytes(6).toString("hex")}@example.invalid` : v,
      ]),
    ),
  };
  cases.push({
    id: "login.credentials.unknown_identity",
    group: "credentials",
    operation: "login",
    title: "unknown identity",
    auth: "bearer",
    body: loginBody(spec, config, unknown),
    expect: { kind: "credentials_rejection", rule: "unknown identity", sameAnswerAs: "login.credentials.wrong_password" },
    ...na,
  });

  cases.push(...semanticCases(spec, config, good), ...methodCases(spec, config, good));
  return cases;
}

export const MOCK_NO_AUTH_SEMANTICS = "Prism does not check whose bearer it is, for which account or audience: it answers the spec's example";

/** Auth semantics across exchanges: whose token opens what, for which account, with which identity.
 * Each sends one request; against a mock they are reported not applicable. */
function semanticCases(spec: SpecModel, config: SuiteConfig, good: Record<string, unknown>): Case[] {
  const mock = config.target.kind === "mock";
  const cases: Case[] = [];
  cases.push({
    id: "login.scope.customer_token_as_bearer",
    group: "semantics",
    operation: "login",
    title: "the customer token from the known-good login as the bearer of a login",
    auth: { bearerFrom: "customerToken" },
    needs: ["customerToken"],
    body: good,
    expect: { kind: "scope_rejection", rule: "a customer token never opens a merchant operation" },
    ...(mock ? { notApplicable: MOCK_NO_TOKEN_CHECK } : {}),
  });
  const otherAudience = audienceFor(config, config.otherAccountId);
  const naIsolation = mock ? { notApplicable: MOCK_NO_AUTH_SEMANTICS } : {};
  cases.push({
    id: "login.isolation.other_account_path",
    group: "semantics",
    operation: "login",
    title: `the client bearer on another account's login path (${config.otherAccountId}, audience to match)`,
    aid: config.otherAccountId,
    auth: "bearer",
    body: { ...good, audience: otherAudience },
    expect: { kind: "isolation_rejection", rule: "the client bearer opens only its own account" },
    ...naIsolation,
  });
  // One rule per case: with this account's audience, only a comparison of the bearer's account with the
  // path can refuse it; a server that checks the audience correctly cannot hide a path it never checks.
  cases.push({
    id: "login.isolation.other_account_path_own_audience",
    group: "semantics",
    operation: "login",
    title: `the client bearer on another account's login path (${config.otherAccountId}), with this account's audience`,
    aid: config.otherAccountId,
    auth: "bearer",
    body: good,
    expect: { kind: "isolation_rejection", rule: "the client bearer opens only its own account, whatever the body says" },
    ...naIsolation,
  });
  cases.push({
    id: "login.isolation.other_audience",
    group: "semantics",
    operation: "login",
    title: `a login whose audience is another account's (${config.otherAccountId})`,
    auth: "bearer",
    body: { ...good, audience: otherAudience },
    expect: { kind: "isolation_rejection", rule: "the audience must be a grant associated with the client" },
    ...naIsolation,
  });

  if (config.auth.kind === "client_credentials") {
    // The token endpoint must not issue a token for an audience that is not a grant of the client.
    // The token path's account, alone and together with the audience: a client's credentials open only
    // the token endpoint of its own account, whichever audience the body names.
    cases.push({
      id: "token.isolation.other_account_path_own_audience",
      group: "semantics",
      operation: "token",
      title: `a client-credentials token request on another account's token path (${config.otherAccountId}), with this account's audience`,
      aid: config.otherAccountId,
      auth: "basic",
      body: tokenBody(spec, config),
      expect: { kind: "isolation_rejection", rule: "client credentials open only their own account's token endpoint" },
      ...naIsolation,
    });
    cases.push({
      id: "token.isolation.other_account_path",
      group: "semantics",
      operation: "token",
      title: `a client-credentials token request on another account's token path (${config.otherAccountId}), audience to match`,
      aid: config.otherAccountId,
      auth: "basic",
      body: { ...tokenBody(spec, config), audience: otherAudience },
      expect: { kind: "isolation_rejection", rule: "client credentials open only their own account's token endpoint" },
      ...naIsolation,
    });
    cases.push({
      id: "token.isolation.other_audience",
      group: "semantics",
      operation: "token",
      title: `a client-credentials token request whose audience is another account's (${config.otherAccountId})`,
      auth: "basic",
      body: { ...tokenBody(spec, config), audience: otherAudience },
      expect: { kind: "isolation_rejection", rule: "the audience must be a grant associated with the client" },
      ...naIsolation,
    });
  }

  const props = collectProperties(spec.operations.login.requestSchema as Schema);
  // "user type to login, required as users with different type can share email": the known identity,
  // its right password, another user type. A login attempt with the right password: no lockout risk.
  const userTypes = ((props.get("type")?.enum ?? []) as unknown[]).filter((t) => t !== config.loginType);
  for (const identity of config.identities) {
    for (const other of userTypes) {
      cases.push({
        id: `login.identity.${identity.label}_as_type_${String(other)}`,
        group: "semantics",
        operation: "login",
        title: `the known ${identity.label} identity as user type ${String(other)}, with its right password`,
        auth: "bearer",
        body: { ...loginBody(spec, config, identity), type: other },
        expect: { kind: "identity_rejection", rule: `a user logs in only as its own type (${config.loginType})`, userType: true },
        ...(mock ? { notApplicable: MOCK_NO_USER_STORE } : {}),
      });
    }
  }

  const identTypes = (props.get("ident_type")?.enum ?? []) as string[];
  for (const identity of config.identities) {
    // The identity's own ident_type: its ident_type field, or the name of its field (email) when that
    // is one of the ident_type values. Every other value names the same string as something it is not.
    const [field, value] = Object.entries(identity.fields).find(([k]) => k !== "ident_type") ?? [];
    const own = identity.fields.ident_type ?? field;
    if (value === undefined) continue;
    for (const other of identTypes.filter((t) => t !== own)) {
      const body = loginBody(spec, config, { ...identity, fields: { ident_type: other, ident: value } });
      cases.push({
        id: `login.identity.${identity.label}_as_${other}`,
        group: "semantics",
        operation: "login",
        title: `the known ${identity.label} identity sent as ident_type ${other}, with its right password`,
        auth: "bearer",
        body,
        expect: { kind: "identity_rejection", rule: `an identity logs in only as its own ident_type (${own})` },
        ...(mock ? { notApplicable: MOCK_NO_USER_STORE } : {}),
      });
    }
  }
  return cases;
}

/** Methods no documented path serves: each is sent once per path with the known-good headers and body. */
export const UNSUPPORTED_METHODS = ["GET", "PUT", "PATCH", "DELETE"];

function methodCases(spec: SpecModel, config: SuiteConfig, good: Record<string, unknown>): Case[] {
  const cases: Case[] = [];
  for (const op of Object.values(spec.operations)) {
    if (op.key === "token" && config.auth.kind !== "client_credentials") continue;
    const documented = spec.methodsOf(op.pathTemplate);
    for (const method of UNSUPPORTED_METHODS.filter((m) => !documented.includes(m))) {
      cases.push({
        id: `${op.key}.method.${method.toLowerCase()}`,
        group: "methods",
        operation: op.key,
        method,
        title: `${method} ${op.pathTemplate} (documented: ${documented.join(", ")})`,
        auth: op.key === "token" ? "basic" : "bearer",
        body: op.key === "token" ? tokenBody(spec, config) : good,
        expect: { kind: "method_rejection", rule: `${method} is not a documented method of ${op.pathTemplate}` },
      });
    }
  }
  return cases;
}

/** The audience of another account: the configured audience with the account id swapped. */
export function audienceFor(config: SuiteConfig, accountId: string): string {
  return config.audience.includes(config.accountId)
    ? config.audience.split(config.accountId).join(accountId)
    : `https://api.dintero.com/v1/accounts/${accountId}`;
}
