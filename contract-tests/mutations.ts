// One-rule-broken requests derived from the spec's schemas: bodies and path parameter values.
import { instancePathOf, keywordSites, LENIENT_DIALECT_CHANGES, patternBreakers, pointerOf, valueAt, withValueAt } from "./schema-keywords.ts";
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
  for (const m of keywordMutations(schema, base, isValid)) add(m);
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
  // Changes only a regex dialect other than ECMA-262's, or a normalising comparison, would take: a newline
  // after `$`, Unicode digits for \\d, surrounding spaces (each only where the pattern refuses it).
  if (typeof schema.pattern === "string") {
    for (const c of LENIENT_DIALECT_CHANGES) {
      const v = c.change(valid);
      if (v === undefined || isValid(v)) continue;
      out.push({ id: `pattern.${c.id}`, title: `${JSON.stringify(v)} (${c.what}) does not match ${schema.pattern} (ECMA-262)`, value: v, rule: "pattern" });
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

/** What the loop above already breaks: the body's own required, type and anyOf, and its properties' enum,
 * lengths and type. */
const DONE_AT_DEPTH: Record<number, ReadonlySet<string>> = {
  0: new Set(["required", "type", "anyOf"]),
  1: new Set(["enum", "minLength", "maxLength", "type"]),
};

/**
 * One mutation per rule the schema states anywhere else: pattern, format, minimum/maximum (exclusive too),
 * const and additionalProperties at any depth, oneOf, and required/enum/lengths/type below the top level.
 * Every mutation is kept only when the schema refuses it for exactly that keyword at that place (Ajv's
 * errors say which), so a rule a maintainer adds is tested by the next run, and never a guess.
 */
export function keywordMutations(schema: Schema, base: unknown, isValid: (body: unknown) => boolean): Mutation[] {
  const out: Mutation[] = [];
  type AjvError = { keyword: string; instancePath: string };
  const errorsOf = () => (isValid as { errors?: AjvError[] | null }).errors ?? [];
  const breaks = (body: unknown, keyword: string, pointer: string) =>
    body !== undefined && !isValid(body) && errorsOf().some((e) => e.keyword === keyword && instancePathOf(e.instancePath) === pointer);
  for (const site of keywordSites(schema)) {
    const { path, keyword } = site;
    const pointer = pointerOf(path);
    if (DONE_AT_DEPTH[path.length]?.has(keyword)) continue;
    const where = pointer || "the body";
    const id = (what: string) => `${keyword}.${what}${path.length ? `.${path.join(".")}` : ""}`;
    const current = valueAt(base, path);
    const set = (v: unknown) => withValueAt(base, path, v);
    const push = (what: string, title: string, body: unknown, rulePointer = pointer) => {
      if (breaks(body, keyword, rulePointer)) out.push({ id: id(what), title, body, rule: keyword, pointer: rulePointer });
      return breaks(body, keyword, rulePointer);
    };
    switch (keyword) {
      case "pattern": {
        if (typeof current !== "string") break;
        // Every dialect change the pattern refuses (a case each: each catches another kind of server), then
        // the first generic edit it refuses.
        const dialect = new Set(LENIENT_DIALECT_CHANGES.map((c) => c.id));
        let generic = false;
        for (const b of patternBreakers(current)) {
          if (!dialect.has(b.id) && generic) continue;
          const took = push(b.id, `${where} with ${b.what} does not match ${String(site.value)} (ECMA-262)`, set(b.value));
          if (took && !dialect.has(b.id)) generic = true;
        }
        break;
      }
      case "format":
        push("invalid", `${where} not a valid ${String(site.value)}`, set(`not-a-valid-${String(site.value)}`));
        break;
      case "minimum":
      case "exclusiveMinimum": {
        const bound = Number(site.value);
        push("below", `${where} ${keyword === "minimum" ? bound - 1 : bound} (${keyword} ${bound})`, set(keyword === "minimum" ? bound - 1 : bound));
        break;
      }
      case "maximum":
      case "exclusiveMaximum": {
        const bound = Number(site.value);
        push("above", `${where} ${keyword === "maximum" ? bound + 1 : bound} (${keyword} ${bound})`, set(keyword === "maximum" ? bound + 1 : bound));
        break;
      }
      case "const": {
        const c = site.value;
        const other = typeof c === "string" ? `${c}-other` : typeof c === "number" ? c + 1 : typeof c === "boolean" ? !c : null;
        push("other", `${where} ${JSON.stringify(other)} (const ${JSON.stringify(c)})`, set(other));
        break;
      }
      case "additionalProperties": {
        if (current === null || typeof current !== "object" || Array.isArray(current)) break;
        const extra = set({ ...(current as Json), x_conformance_selftest_unknown: 1 });
        push("unknown", `${where} with a property the schema does not allow (additionalProperties false)`, extra);
        break;
      }
      case "oneOf": {
        if (current === null || typeof current !== "object" || Array.isArray(current)) break;
        const all = [...new Set((site.value as Schema[]).flatMap((b) => b.required ?? []))];
        const none = Object.fromEntries(Object.entries(current as Json).filter(([k]) => !all.includes(k)));
        push("neither", `${where}: none of the oneOf forms (${all.join(", ")} all missing)`, set(none));
        break;
      }
      case "anyOf": {
        if (current === null || typeof current !== "object" || Array.isArray(current)) break;
        const all = [...new Set((site.value as Schema[]).flatMap((b) => b.required ?? []))];
        const none = Object.fromEntries(Object.entries(current as Json).filter(([k]) => !all.includes(k)));
        push("neither", `${where}: none of the anyOf forms (${all.join(", ")} all missing)`, set(none));
        break;
      }
      case "required": {
        if (current === null || typeof current !== "object" || Array.isArray(current)) break;
        for (const name of site.value as string[]) {
          if (!(name in (current as Json))) continue;
          const body = withValueAt(base, [...path, name], undefined);
          const at = pointerOf([...path, name]);
          const id = `missing.${[...path, name].join(".")}`;
          if (breaks(body, "required", pointer)) out.push({ id, title: `required ${at} missing`, body, rule: "required", pointer: at });
        }
        break;
      }
      case "enum":
        push("off", `${where} not one of ${(site.value as unknown[]).join(", ")}`, set(`not-${(site.value as unknown[]).map(String).join("-or-")}`));
        break;
      case "minLength":
        if (Number(site.value) > 0)
          push("below", `${where} ${Number(site.value) - 1} characters (minLength ${site.value})`, set(stringOfLength(current, Number(site.value) - 1)));
        break;
      case "maxLength":
        push("above", `${where} ${Number(site.value) + 1} characters (maxLength ${String(site.value)})`, set(stringOfLength(current, Number(site.value) + 1)));
        break;
      case "type":
        if (current !== undefined) push("wrong", `${where} of the wrong JSON type`, set(wrongTypeValue(site.schema)));
        break;
    }
  }
  return out;
}
