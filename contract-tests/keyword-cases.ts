// Positive cases from the login body's validation keywords, deterministic: for each configured identity form,
// a made-up identity whose value at each rule's bound the schema accepts (lengths in code points, filled
// also with whitespace, zero-width, combining and astral characters; minimum/maximum; a pattern-matching
// value). Each must not be refused as invalid. Every value is checked against the schema before it is sent.
import type { Case } from "./case-types.ts";
import { describeInput } from "./describe-input.ts";
import { CHARACTER_CLASSES, classString, keywordSites, matchingStrings, pointerOf, stretchTo, valueAt, withValueAt, type Schema } from "./schema-keywords.ts";
import { identityFieldNames } from "./request-fields.ts";
import type { SpecModel } from "./spec.ts";

export interface BoundBody {
  id: string;
  title: string;
  body: Record<string, unknown>;
  /** what the body tests, for the finding (never the value) */
  unusual: string[];
  /** the property path whose value is at a bound */
  path: string[];
}

/** Schema-valid variants of `base` (a made-up identity with a plain password) at each rule's bound. */
export function boundBodies(schema: Schema, base: Record<string, unknown>, isValid: (body: unknown) => boolean, seed: number): BoundBody[] {
  const out: BoundBody[] = [];
  const seen = new Set<string>();
  const add = (b: BoundBody) => {
    const key = JSON.stringify(b.body);
    if (!seen.has(key) && isValid(b.body)) {
      seen.add(key);
      out.push(b);
    }
  };
  for (const site of keywordSites(schema)) {
    const current = valueAt(base, site.path);
    if (current === undefined) continue;
    const name = pointerOf(site.path);
    const at = (v: unknown) => withValueAt(base, site.path, v) as Record<string, unknown>;
    const validHere = (v: string) => isValid(at(v));
    const label = site.path.join(".");
    switch (site.keyword) {
      case "minLength":
      case "maxLength": {
        const n = Number(site.value);
        if (typeof current !== "string") break;
        const plain = stretchTo(current, n, validHere);
        const title = `${name} at ${site.keyword} ${n} (code points)`;
        if (plain !== undefined) add({ path: site.path, id: `${site.keyword}.${label}`, title, body: at(plain), unusual: [`${label} at a length bound`] });
        for (const cls of CHARACTER_CLASSES) {
          const filled = classString(cls, n);
          add({
            path: site.path,
            id: `${site.keyword}.${cls.id}.${label}`,
            title: `${name} at ${site.keyword} ${n} code points of ${cls.what}`,
            body: at(filled),
            unusual: [`${label} at a length bound`, `${label} of ${cls.id.replace("_", "-")} characters`],
          });
        }
        break;
      }
      case "minimum":
      case "maximum": {
        const title = `${name} at ${site.keyword} ${String(site.value)}`;
        add({ path: site.path, id: `${site.keyword}.${label}`, title, body: at(site.value), unusual: [`${label} at a bound`] });
        break;
      }
      case "exclusiveMinimum":
      case "exclusiveMaximum": {
        const step = site.schema.type === "integer" ? 1 : 0.5;
        const v = Number(site.value) + (site.keyword === "exclusiveMinimum" ? step : -step);
        add({
          path: site.path,
          id: `${site.keyword}.${label}`,
          title: `${name} ${v} (${site.keyword} ${String(site.value)})`,
          body: at(v),
          unusual: [`${label} at a bound`],
        });
        break;
      }
      case "pattern": {
        // A value the pattern matches other than the base one (fast-check's stringMatching, seeded).
        const candidates = matchingStrings(String(site.value), seed, 20).filter((v) => v !== current && validHere(v));
        const v = candidates[0];
        const title = `${name} another value matching ${String(site.value)}`;
        if (v !== undefined) add({ path: site.path, id: `pattern.${label}`, title, body: at(v), unusual: [`${label} matching its pattern`] });
        break;
      }
      case "const":
        add({
          path: site.path,
          id: `const.${label}`,
          title: `${name} ${JSON.stringify(site.value)} (const)`,
          body: at(site.value),
          unusual: [`${label} its const`],
        });
        break;
    }
  }
  return out;
}

/** The login's bound cases for one identity form, given the form's control body (made-up identity, plain password). */
export function boundCases(
  spec: SpecModel,
  base: Record<string, unknown>,
  form: string,
  control: string | undefined,
  seed: number,
  secrets: ReadonlySet<string>,
): Case[] {
  const schema = spec.operations.login.requestSchema as Schema;
  const identityFields = identityFieldNames(spec);
  return boundBodies(schema, base, spec.validator(schema), seed).map((b) => ({
    id: `login.bounds.${form}.${b.id}`,
    group: "generated_valid",
    operation: "login",
    title: b.title,
    auth: "bearer",
    body: b.body,
    madeUpIdentity: true,
    // A bound of an identity field (an email at its pattern or maxLength) varies only the made-up identity:
    // Dintero states the identity formats in prose ("Email or phone_number"), so a server may check them
    // more strictly than the schema; such a body has no unusual value of its own (positive_data_acceptance).
    expect: { kind: "valid_input", unusual: identityFields.includes(b.path[0]!) ? [] : b.unusual, ...(control ? { control } : {}) },
    describeInput: describeInput(b.body, secrets),
  }));
}
