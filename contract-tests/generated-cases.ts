// Property-based cases (fast-check, seeded, deterministic): schema-valid login bodies in every
// either/or form, boundary lengths and unusual strings first; invalid bodies by one-rule mutation.
import fc from "fast-check";
import type { SuiteConfig } from "./config.ts";
import { secretFieldNames } from "./config.ts";
import { anyOfGroups, bodyMutations, collectProperties, type Case } from "./cases.ts";
import type { Json, SpecModel } from "./spec.ts";

type Schema = Json & { properties?: Record<string, Json>; required?: string[]; enum?: unknown[]; minLength?: number; maxLength?: number };

/** Characters real users type and servers trip over: accents, CJK, emoji, quotes, zero-width, NUL. */
const UNUSUAL = ["é", "ø", "Å", "ß", "漢", "字", "😀", "👩‍💻", "\"", "\\", "'", "<", "&", " ", "\u200b", "\u0000", "\n", "%", "+"];
const unitArb = fc.oneof({ weight: 3, arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 1 }) }, { weight: 1, arbitrary: fc.constantFrom(...UNUSUAL) });

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

function propertyArb(schema: Schema): fc.Arbitrary<unknown> {
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  const min = schema.minLength ?? 1;
  const max = schema.maxLength ?? 64;
  return fc.oneof({ weight: 4, arbitrary: stringArb(min, max) }, { weight: 1, arbitrary: fc.constantFrom(...new Set([min, max])).chain((n) => stringArb(n, n)) });
}

/** Valid login bodies. audience and type stay the known-good ones (another audience is another API,
 * not another input); identity and password are made up, so a live user is never locked out. */
export function validBodyArb(spec: SpecModel, config: SuiteConfig): fc.Arbitrary<Record<string, unknown>> {
  const schema = spec.operations.login.requestSchema as Schema;
  const props = collectProperties(schema);
  const branches = anyOfGroups(schema)[0] ?? [{}];
  const [secret] = [...secretFieldNames(schema)];
  const forms = branches.map((branch) => {
    const fields: Record<string, fc.Arbitrary<unknown>> = {};
    for (const name of (branch as Schema).required ?? []) fields[name] = propertyArb(props.get(name) ?? {});
    fields[secret!] = propertyArb(props.get(secret!) ?? {});
    return fc.record(fields).map((r) => ({ audience: config.audience, type: config.loginType, ...r }));
  });
  return fc.oneof(...forms);
}

/** Deterministic boundary bodies: for each either/or form, each bounded string at exactly its bounds. */
function boundaryBodies(spec: SpecModel, config: SuiteConfig): Array<Record<string, unknown>> {
  const schema = spec.operations.login.requestSchema as Schema;
  const props = collectProperties(schema);
  const [secret] = [...secretFieldNames(schema)];
  const out: Array<Record<string, unknown>> = [];
  const branches = anyOfGroups(schema)[0] ?? [];
  branches.forEach((branch, i) => {
    const base: Record<string, unknown> = { audience: config.audience, type: config.loginType };
    for (const name of (branch as Schema).required ?? []) {
      const p = props.get(name) ?? {};
      base[name] = Array.isArray(p.enum) ? p.enum[i % p.enum.length] : `boundary-${i}@example.invalid`;
    }
    const sp = props.get(secret!) ?? {};
    for (const n of [sp.minLength, sp.maxLength]) {
      if (typeof n === "number") out.push({ ...base, [secret!]: "é".repeat(Math.min(n, 2)) + "p".repeat(Math.max(0, n - 2)) });
    }
  });
  return out;
}

export function generatedCases(spec: SpecModel, config: SuiteConfig): Case[] {
  const schema = spec.operations.login.requestSchema as Schema;
  const isValid = spec.validator(schema);
  const count = config.cases;
  if (count === 0) return [];
  const valid = [...boundaryBodies(spec, config), ...fc.sample(validBodyArb(spec, config), { seed: config.seed, numRuns: count })].filter((b) => isValid(b));
  const cases: Case[] = valid.map((body, i) => ({
    id: `login.generated.valid.${i + 1}`,
    group: "generated_valid",
    operation: "login",
    title: `generated valid body #${i + 1}`,
    auth: "bearer",
    body,
    expect: { kind: "valid_input" },
  }));
  const invalidArb = fc
    .tuple(validBodyArb(spec, config), fc.nat())
    .map(([body, pick]) => {
      const mutations = bodyMutations(schema, body, isValid);
      return { body, mutation: mutations[pick % Math.max(1, mutations.length)] };
    });
  fc.sample(invalidArb, { seed: config.seed + 1, numRuns: count }).forEach(({ mutation }, i) => {
    if (!mutation) return;
    cases.push({
      id: `login.generated.invalid.${i + 1}`,
      group: "generated_invalid",
      operation: "login",
      title: `generated invalid body #${i + 1}: ${mutation.title}`,
      auth: "bearer",
      body: mutation.body,
      expect: { kind: "rejection", status: "validation", rule: mutation.rule, pointer: mutation.pointer },
    });
  });
  return cases;
}
