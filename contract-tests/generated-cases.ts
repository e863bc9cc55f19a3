// Property-based cases (fast-check, seeded, deterministic): schema-valid login bodies in every
// either/or form with boundary-length and unusual passwords; bodies with unusual identity values;
// invalid bodies made by one mutation of a valid one.
import fc from "fast-check";
import type { Case } from "./case-types.ts";
import { anyOfGroups, bodyMutations, collectProperties } from "./mutations.ts";
import { secretFieldNames } from "./request-fields.ts";
import { shapedLike } from "./shaped-like.ts";
import type { Identity, SuiteConfig } from "./types.ts";
import { describeInput, unusualFeatures } from "./describe-input.ts";
import { boundCases } from "./keyword-cases.ts";
import type { Json, SpecModel } from "./spec.ts";

type Schema = Json & { properties?: Record<string, Json>; required?: string[]; enum?: unknown[]; minLength?: number; maxLength?: number };

/** Characters real users type and servers trip over: accents, CJK, emoji, quotes, zero-width, NUL. */
const UNUSUAL = ["é", "ø", "Å", "ß", "漢", "字", "😀", "👩‍💻", '"', "\\", "'", "<", "&", " ", "\u200b", "\u0000", "\n", "%", "+"];
const unitArb = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.constantFrom(...UNUSUAL) },
);

/** A string whose length in code points (what JSON Schema counts) lies in [min, max]. */
function stringArb(min: number, max: number): fc.Arbitrary<string> {
  return fc
    .array(unitArb, { minLength: min, maxLength: Math.min(max, min + 40) })
    .map((units) => units.join(""))
    .map((s) => {
      const cps = [...s];
      while (cps.length > max) cps.pop();
      while (cps.length < min) cps.push("x");
      return cps.join("");
    });
}

/** Any string the property's schema allows, its bounds (when it has any) weighted in. */
function propertyArb(schema: Schema): fc.Arbitrary<unknown> {
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  const min = schema.minLength ?? 1;
  const max = schema.maxLength ?? 64;
  return fc.oneof(
    { weight: 4, arbitrary: stringArb(min, max) },
    { weight: 1, arbitrary: fc.constantFrom(...new Set([min, max])).chain((n) => stringArb(n, n)) },
  );
}

export { shapedLike } from "./shaped-like.ts";

/** The fields of a schema-valid body whose schema-stated rules it tests: a value at a length bound, or
 * with characters a server may trip over. Fields without such rules (email, ident: prose) are not counted. */
export function unusualSchemaFields(body: Record<string, unknown>, props: Map<string, Schema>): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(body)) {
    const schema = props.get(name);
    if (typeof value !== "string" || !schema) continue;
    const ruled = ["minLength", "maxLength", "pattern", "format"].some((k) => schema[k] !== undefined);
    if (!ruled) continue;
    const n = [...value].length;
    const reasons = [
      ...(n === schema.minLength || n === schema.maxLength ? [`${name} at a length bound`] : []),
      ...unusualFeatures(value).map((f) => `${name} ${f}`),
    ];
    out.push(...reasons);
  }
  return out;
}

function secretField(spec: SpecModel): string {
  return [...secretFieldNames(spec.operations.login.requestSchema)][0]!;
}

/** Valid bodies whose identity is shaped like a configured one (enum values kept) and whose password
 * is any string the schema allows. audience and type stay the known-good ones. */
function plausibleBodyArb(spec: SpecModel, config: SuiteConfig, identity: Identity): fc.Arbitrary<Record<string, unknown>> {
  const props = collectProperties(spec.operations.login.requestSchema as Schema);
  const secret = secretField(spec);
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, value] of Object.entries(identity.fields)) fields[name] = Array.isArray(props.get(name)?.enum) ? fc.constant(value) : shapedLike(value);
  fields[secret] = propertyArb(props.get(secret) ?? {});
  return fc.record(fields).map((r) => ({ audience: config.audience, type: config.loginType, ...r }));
}

/** Valid bodies straight from the schema: every either/or form, identity values unusual strings. */
export function schemaBodyArb(spec: SpecModel, config: SuiteConfig): fc.Arbitrary<Record<string, unknown>> {
  const schema = spec.operations.login.requestSchema as Schema;
  const props = collectProperties(schema);
  const secret = secretField(spec);
  const forms = (anyOfGroups(schema)[0] ?? [{}]).map((branch) => {
    const fields: Record<string, fc.Arbitrary<unknown>> = {};
    for (const name of (branch as Schema).required ?? []) fields[name] = propertyArb(props.get(name) ?? {});
    fields[secret] = propertyArb(props.get(secret) ?? {});
    return fc.record(fields).map((r) => ({ audience: config.audience, type: config.loginType, ...r }));
  });
  return fc.oneof(...forms);
}

/** For each known identity form, the password at exactly each of its bounds (non-ASCII included). */
function boundaryArbs(spec: SpecModel, config: SuiteConfig): Array<fc.Arbitrary<Record<string, unknown>>> {
  const secret = secretField(spec);
  const sp = collectProperties(spec.operations.login.requestSchema as Schema).get(secret) ?? {};
  // Each bound with a non-ASCII start; the maximum also in characters outside the BMP, which a server
  // counting UTF-16 units (JavaScript's .length) or bytes counts twice or four times (JSON Schema: code points).
  const values = [
    ...(typeof sp.minLength === "number"
      ? [(n: number) => "é".repeat(Math.min(n, 2)) + "p".repeat(Math.max(0, n - 2))].map((f) => f(sp.minLength as number))
      : []),
    ...(typeof sp.maxLength === "number"
      ? [(n: number) => "é".repeat(Math.min(n, 2)) + "p".repeat(Math.max(0, n - 2)), (n: number) => "😀".repeat(n)].map((f) => f(sp.maxLength as number))
      : []),
  ];
  return config.identities.flatMap((identity) => values.map((value) => plausibleBodyArb(spec, config, identity).map((b) => ({ ...b, [secret]: value }))));
}

export function generatedCases(spec: SpecModel, config: SuiteConfig): Case[] {
  const schema = spec.operations.login.requestSchema as Schema;
  const isValid = spec.validator(schema);
  const count = config.cases;
  if (count === 0) return [];
  const sample = <T>(arb: fc.Arbitrary<T>, salt: number, numRuns = count) => fc.sample(arb, { seed: config.seed + salt, numRuns });
  const cases: Case[] = [];
  const secrets = new Set([secretField(spec)]);
  const describe = (body: unknown) => describeInput(body, secrets);

  const boundaries = boundaryArbs(spec, config).map((arb, i) => sample(arb, 100 + i, 1)[0]!);
  const plausible = sample(fc.oneof(...config.identities.map((id) => plausibleBodyArb(spec, config, id))), 0);
  const props = collectProperties(schema);
  // One control per identity form: a made-up identity with a plain password well inside its bounds. If
  // the server answers it 400, it rejects made-up identities as invalid (their format is prose at
  // Dintero, so that is its choice), and a 400 on the other bodies of the form cannot be laid at their
  // password: the control is what lets a 400 on a 255-character password stay a contract finding.
  const formOf = (body: Record<string, unknown>) => config.identities.find((id) => Object.keys(id.fields).every((k) => k in body));
  const controlId = (identity: Identity) => `login.generated.valid.control.${identity.label}`;
  const secret = secretField(spec);
  const sp = props.get(secret) ?? {};
  const plainLength = Math.max(Number(sp.minLength ?? 1), Math.min(Number(sp.maxLength ?? 64), 12));
  config.identities.forEach((identity, k) => {
    const body = {
      ...sample(plausibleBodyArb(spec, config, identity), 200 + k, 1)[0]!,
      [secret]: sample(
        fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789"), minLength: plainLength, maxLength: plainLength }),
        300 + k,
        1,
      )[0]!,
    };
    if (isValid(body)) {
      cases.push({
        id: controlId(identity),
        group: "generated_valid",
        operation: "login",
        title: `control: a made-up ${identity.label} identity with a plain password`,
        auth: "bearer",
        madeUpIdentity: true,
        body,
        expect: { kind: "valid_input", unusual: unusualSchemaFields(body, props) },
        describeInput: describe(body),
      });
      // The same body labelled with a charset parameter, as many HTTP clients send it: media type
      // parameters do not change the media type (RFC 9110 §8.3.1), so it must not be refused as invalid.
      const mediaType = spec.operations.login.requestMediaTypes[0]!;
      cases.push({
        id: `${controlId(identity)}.charset`,
        group: "generated_valid",
        operation: "login",
        title: `control with Content-Type "${mediaType}; charset=utf-8"`,
        auth: "bearer",
        madeUpIdentity: true,
        contentType: `${mediaType}; charset=utf-8`,
        body,
        expect: { kind: "valid_input", unusual: ["Content-Type: a charset parameter"], control: controlId(identity) },
        describeInput: `${describe(body)}; Content-Type with charset=utf-8`,
      });
    }
    // Deterministic values at every bound of the body's rules, on this form's made-up identity.
    cases.push(...boundCases(spec, body, identity.label, isValid(body) ? controlId(identity) : undefined, config.seed + 400 + k, secrets));
  });
  const hasControl = new Set(cases.map((c) => c.id));
  // every generated login body carries a made-up identity: a 2xx to any of them logs in a stranger
  const madeUp = { madeUpIdentity: true } as const;
  [...boundaries, ...plausible]
    .filter((b) => isValid(b))
    .forEach((body, i) => {
      const form = formOf(body);
      const control = form && hasControl.has(controlId(form)) ? { control: controlId(form) } : {};
      cases.push({
        id: `login.generated.valid.${i + 1}`,
        group: "generated_valid",
        operation: "login",
        title: `generated valid body #${i + 1}`,
        auth: "bearer",
        ...madeUp,
        body,
        expect: { kind: "valid_input", unusual: unusualSchemaFields(body, props), ...control },
        describeInput: describe(body),
      });
    });

  sample(schemaBodyArb(spec, config), 1)
    .filter((b) => isValid(b))
    .forEach((body, i) => {
      cases.push({
        id: `login.generated.unusual.${i + 1}`,
        group: "generated_unusual",
        operation: "login",
        title: `generated body with unusual identity values #${i + 1}`,
        auth: "bearer",
        ...madeUp,
        body,
        expect: { kind: "well_formed" },
        describeInput: describe(body),
      });
    });

  const invalidArb = fc.tuple(schemaBodyArb(spec, config), fc.nat()).map(([body, pick]) => {
    const mutations = bodyMutations(schema, body, isValid);
    return mutations[pick % Math.max(1, mutations.length)];
  });
  sample(invalidArb, 2).forEach((mutation, i) => {
    if (!mutation) return;
    cases.push({
      id: `login.generated.invalid.${i + 1}`,
      group: "generated_invalid",
      operation: "login",
      title: `generated invalid body #${i + 1}: ${mutation.title}`,
      auth: "bearer",
      body: mutation.body,
      expect: { kind: "rejection", status: "validation", rule: mutation.rule, pointer: mutation.pointer },
      describeInput: describe(mutation.body),
    });
  });
  return cases;
}
