// One-rule-broken requests derived from the spec's schemas: bodies and path parameter values.
import type { Json } from "./spec.ts";

export type Schema = Json & { properties?: Record<string, Json>; required?: string[]; enum?: unknown[]; type?: string | string[] };

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
