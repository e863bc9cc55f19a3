// Compares two (dereferenced) JSON Schemas keyword by keyword and says, for each difference, whether the
// set of allowed values narrows, widens, both, or only the documentation changes.
import { type Effect, type Emit, type Json, type Side, equal, escapePointer, isDocKey, isObject } from "./rules.ts";

export interface SchemaContext {
  side: Side;
  emit: Emit;
}

/** Lower bounds: raising one narrows. Upper bounds: lowering one narrows. */
const LOWER = ["minLength", "minimum", "minItems", "minProperties", "minContains"];
const UPPER = ["maxLength", "maximum", "maxItems", "maxProperties", "maxContains"];
/** Keywords handled by a rule below; anything else that changes has no rule and is judged breaking. */
const HANDLED = new Set([
  "type",
  "nullable",
  "enum",
  "const",
  "format",
  "pattern",
  "multipleOf",
  "uniqueItems",
  "exclusiveMinimum",
  "exclusiveMaximum",
  ...LOWER,
  ...UPPER,
  "properties",
  "required",
  "additionalProperties",
  "items",
  "anyOf",
  "oneOf",
  "allOf",
  "not",
  "default",
  "readOnly",
  "writeOnly",
  "discriminator",
  "prefixItems",
  "contains",
  "propertyNames",
  "patternProperties",
  "dependentRequired",
  "dependentSchemas",
  "if",
  "then",
  "else",
  "unevaluatedProperties",
  "unevaluatedItems",
  "contentMediaType",
  "contentEncoding",
  "contentSchema",
  "$ref",
]);
/** Keywords that only add a constraint when present: adding narrows, removing widens, changing is not decided. */
const CONSTRAINTS = [
  "dependentRequired",
  "dependentSchemas",
  "if",
  "then",
  "else",
  "contentMediaType",
  "contentEncoding",
  "contentSchema",
  "propertyNames",
  "contains",
  "patternProperties",
  "unevaluatedProperties",
  "unevaluatedItems",
  "prefixItems",
];

/** OpenAPI's numeric formats where every value of the first is a value of the second. */
const WIDER_FORMAT: Record<string, string> = { int32: "int64", float: "double" };

const flip = (e: Effect): Effect => (e === "narrows" ? "widens" : e === "widens" ? "narrows" : e);
const asSchema = (s: unknown): Json => (s === true || s === undefined ? {} : s === false ? { not: {} } : isObject(s) ? s : {});

/** JSON Schema types a schema allows; undefined means any. OpenAPI 3.0's `nullable` adds null; integer is in number. */
function typeSet(s: Json): Set<string> | undefined {
  if (s.type === undefined) return undefined;
  const set = new Set(Array.isArray(s.type) ? s.type.map(String) : [String(s.type)]);
  if (s.nullable === true) set.add("null");
  return set;
}
const within = (inner: Set<string>, outer: Set<string>) => [...inner].every((t) => outer.has(t) || (t === "integer" && outer.has("number")));

/**
 * True when no value valid under `schema` can be valid under any of `others`: each other allows none of
 * its types (`{ type: "null" }` beside a string), or some property (the discriminator's, when there is
 * one) is required by both and the values `schema` allows for it are disjoint from the other's.
 */
function selectsNoOther(schema: Json, others: Json[], discriminator: string | undefined): boolean {
  const requires = (s: Json, name: string) => Array.isArray(s.required) && s.required.includes(name);
  const propertyOf = (s: Json, name: string) => asSchema(isObject(s.properties) ? s.properties[name] : undefined);
  const names = discriminator ? [discriminator] : Object.keys(isObject(schema.properties) ? schema.properties : {});
  const mineTypes = typeSet(schema);
  const typesDisjoint = (other: Json) => {
    const theirs = typeSet(other);
    return !!mineTypes && !!theirs && ![...mineTypes].some((t) => within(new Set([t]), theirs) || [...theirs].some((u) => within(new Set([u]), new Set([t]))));
  };
  const valuesDisjoint = (other: Json) =>
    names.some((name) => {
      const mine = valueSet(propertyOf(schema, name));
      const theirs = valueSet(propertyOf(other, name));
      return !!mine && !!theirs && requires(schema, name) && requires(other, name) && !theirs.some((v) => mine.some((w) => equal(v, w)));
    });
  return others.every((other) => typesDisjoint(other) || valuesDisjoint(other));
}

/** The values an `enum`/`const` allows; undefined means any. */
function valueSet(s: Json): unknown[] | undefined {
  if ("const" in s) return [s.const];
  if (Array.isArray(s.enum)) return s.enum;
  return undefined;
}

/**
 * True when the ECMA-262 regular expression matches every string. JSON Schema patterns are not
 * anchored, so a pattern without anchors or lookarounds that matches the empty string matches at
 * the start of any string; and `^[\s\S]*$`-like patterns match everything too.
 */
export function matchesAnything(pattern: string): boolean {
  try {
    new RegExp(pattern, "u");
  } catch {
    return false;
  }
  // One leading ^ (start of input: always met at position 0) or one trailing $ (met at the end) changes nothing.
  for (const body of [pattern, pattern.replace(/^\^/, ""), pattern.replace(/(?<!\\)\$$/, "")]) {
    if (/[\^$]|\\[bB]|\(\?<?[=!]/.test(body)) continue;
    try {
      if (new RegExp(body, "u").test("")) return true;
    } catch {
      // The part left is not a regular expression on its own: no decision from it.
    }
  }
  return /^\^?(\[\\s\\S\]|\[\\S\\s\]|\[\\d\\D\]|\[\\w\\W\]|\[\^\])\*\$?$/.test(pattern);
}

/**
 * Merges `allOf` parts into one schema where they do not set the same keyword two ways, so that a
 * property moved into or out of an `allOf` part, or an annotation-only part, is compared for what it
 * does. Parts that conflict stay in `allOf` and are compared part by part.
 */
export function mergeAllOf(schema: Json): Json {
  if (!Array.isArray(schema.allOf)) return schema;
  const { allOf, ...rest } = schema;
  let merged: Json = { ...rest };
  const kept: unknown[] = [];
  for (const raw of allOf) {
    const part = mergeAllOf(asSchema(raw));
    const next: Json = { ...merged };
    let ok = true;
    for (const [key, value] of Object.entries(part)) {
      if (!(key in next)) next[key] = value;
      else if (key === "properties" && isObject(next.properties) && isObject(value)) {
        const props: Json = { ...next.properties };
        for (const [name, p] of Object.entries(value)) props[name] = name in props && !equal(props[name], p) ? mergeAllOf({ allOf: [props[name], p] }) : p;
        next.properties = props;
      } else if (key === "required" && Array.isArray(next.required) && Array.isArray(value)) {
        next.required = [...new Set([...next.required, ...value])];
      } else if (isDocKey(key)) {
        // The outer annotation wins; an annotation never changes what is valid.
      } else if (!equal(next[key], value)) ok = false;
    }
    if (ok) merged = next;
    else kept.push(part);
  }
  return kept.length > 0 ? { ...merged, allOf: kept } : merged;
}

const ptr = (base: string, ...keys: (string | number)[]) => base + keys.map((k) => `/${escapePointer(String(k))}`).join("");

/** Compares `before` and `after` (schemas, possibly absent: absent allows anything) at `pointer`. */
export function diffSchema(before: unknown, after: unknown, ctx: SchemaContext, pointer = "", seen = new Set<unknown>()): void {
  if (equal(before, after)) return;
  const a = mergeAllOf(asSchema(before));
  const b = mergeAllOf(asSchema(after));
  // A cycle (a schema that contains itself, kept as a $ref by dereferencing) is compared once.
  if (seen.has(before) && before !== undefined) return;
  const inner = new Set(seen).add(before);
  const { emit } = ctx;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  const change = (key: string) => (!(key in a) ? "add" : !(key in b) ? "remove" : "replace") as "add" | "remove" | "replace";
  const say = (rule: string, effect: Effect, text: string, key: string, at = ptr(pointer, key)) =>
    emit({ rule, effect, text, pointer: at, action: change(key), before: a[key], after: b[key] });

  // Annotations: prose, samples and extensions.
  for (const key of keys) if (isDocKey(key) && !equal(a[key], b[key])) say("annotation", "docs", `${key} is documentation`, key);

  // readOnly/writeOnly on a schema compared here: it is on this side in both versions (a property that
  // moves out of or into this side is judged in diffObject), so the flag only matters to the other side.
  for (const key of ["readOnly", "writeOnly"]) {
    if ((a[key] === true) !== (b[key] === true)) say(`${key}-changed`, "docs", `${key} changed: it only affects the other direction`, key);
  }

  // A schema wrapped as one alternative of a new anyOf/oneOf (or unwrapped from one). The alternative may
  // differ from the old schema, as long as it only widens it or changes what it documents (for an unwrap:
  // only narrows); a `discriminator` beside the alternatives is a hint for tools. For a oneOf, the old
  // schema's values must select no other alternative (a required property whose allowed values are
  // disjoint from every other alternative's), else a value valid before could match two and be refused.
  for (const comb of ["anyOf", "oneOf"] as const) {
    const wrap = (outer: Json, innerSchema: Json, unwrap: boolean) => {
      if (!Array.isArray(outer[comb]) || comb in innerSchema) return undefined;
      if (!Object.keys(outer).every((k) => k === comb || k === "discriminator" || isDocKey(k))) return undefined;
      const branches = (outer[comb] as unknown[]).map((branch) => mergeAllOf(asSchema(branch)));
      const discriminator = isObject(outer.discriminator) ? String(outer.discriminator.propertyName) : undefined;
      for (const [i, branch] of branches.entries()) {
        const found: Parameters<Emit>[0][] = [];
        const sub: SchemaContext = { ...ctx, emit: (c) => found.push(c) };
        // (with the cycle guard of the caller: this compares the same schema again, one level down)
        if (unwrap) diffSchema(branch, innerSchema, sub, ptr(pointer, comb, i), seen);
        else diffSchema(innerSchema, branch, sub, ptr(pointer, comb, i), seen);
        const against = unwrap ? "widens" : "narrows";
        if (found.some((c) => c.effect === against || c.effect === "both" || c.effect === "breaks")) continue;
        const others = branches.filter((_, k) => k !== i);
        if (comb === "oneOf" && others.length > 0 && !selectsNoOther(innerSchema, others, discriminator)) continue;
        return { found };
      }
      return undefined;
    };
    const wrapped = wrap(b, a, false);
    if (wrapped) {
      say(`${comb}-wrapped`, "widens", `schema became one alternative of a ${comb}`, comb);
      for (const c of wrapped.found) emit(c);
      return;
    }
    const unwrapped = wrap(a, b, true);
    if (unwrapped) {
      say(`${comb}-unwrapped`, "narrows", `schema was one alternative of a ${comb}, now the only one`, comb);
      for (const c of unwrapped.found) emit(c);
      return;
    }
  }

  // type and nullable.
  const ta = typeSet(a);
  const tb = typeSet(b);
  if (!equal(ta && [...ta].sort(), tb && [...tb].sort())) {
    const key = !equal(a.type, b.type) ? "type" : "nullable";
    const nullOnly = ta && tb && equal([...ta].filter((t) => t !== "null").sort(), [...tb].filter((t) => t !== "null").sort());
    if (nullOnly)
      say(
        tb!.has("null") ? "became-nullable" : "became-not-nullable",
        tb!.has("null") ? "widens" : "narrows",
        tb!.has("null") ? "null allowed" : "null no longer allowed",
        key,
      );
    else if (!ta) say("type-added", "narrows", "type added", key);
    else if (!tb) say("type-removed", "widens", "type removed", key);
    else if (within(ta, tb)) say("type-widened", "widens", "type widened", key);
    else if (within(tb, ta)) say("type-narrowed", "narrows", "type narrowed", key);
    else say("type-changed", "both", "type changed", key);
  }

  // enum and const: the set of allowed values.
  const va = valueSet(a);
  const vb = valueSet(b);
  if (!equal(va, vb)) {
    const key = "enum" in a || "enum" in b ? "enum" : "const";
    if (!va) say(`${key}-added`, "narrows", `${key} added: only the listed values are allowed`, key);
    else if (!vb) say(`${key}-removed`, "widens", `${key} removed: any value of the type is allowed`, key);
    else {
      const added = vb.filter((v) => !va.some((w) => equal(v, w)));
      const removed = va.filter((v) => !vb.some((w) => equal(v, w)));
      const at = ptr(pointer, key);
      if (added.length > 0 && removed.length > 0)
        emit({ rule: "enum-values-replaced", effect: "both", text: `${key} values replaced`, pointer: at, action: "replace", before: removed, after: added });
      else if (added.length > 0) emit({ rule: "enum-value-added", effect: "widens", text: `${key} value added`, pointer: at, action: "add", after: added });
      else if (removed.length > 0)
        emit({ rule: "enum-value-removed", effect: "narrows", text: `${key} value removed`, pointer: at, action: "remove", before: removed });
    }
  }

  if (!equal(a.format, b.format)) {
    if (a.format === undefined) say("format-added", "narrows", "format added", "format");
    else if (b.format === undefined) say("format-removed", "widens", "format removed", "format");
    else if (WIDER_FORMAT[String(a.format)] === b.format)
      say("format-widened", "widens", `format widened (${String(a.format)} → ${String(b.format)})`, "format");
    else if (WIDER_FORMAT[String(b.format)] === a.format)
      say("format-narrowed", "narrows", `format narrowed (${String(a.format)} → ${String(b.format)})`, "format");
    else say("format-changed", "both", "format changed", "format");
  }

  if (!equal(a.pattern, b.pattern)) {
    const anyA = typeof a.pattern !== "string" || matchesAnything(a.pattern);
    const anyB = typeof b.pattern !== "string" || matchesAnything(b.pattern);
    if (anyA && anyB) say("pattern-match-anything", "neutral", "pattern changed between forms that match any string", "pattern");
    else if (anyA)
      say("pattern-added", "narrows", a.pattern === undefined ? "pattern added" : "pattern that matched anything replaced by a real one", "pattern");
    else if (anyB) say("pattern-removed", "widens", b.pattern === undefined ? "pattern removed" : "pattern replaced by one that matches any string", "pattern");
    else
      say(
        "pattern-replaced",
        "both",
        "pattern replaced: whether the new regular expression accepts every string the old one did is not decided, so it is judged breaking; review it",
        "pattern",
      );
  }

  // Bounds. OpenAPI 3.0's boolean exclusiveMinimum/Maximum make minimum/maximum exclusive.
  const bound = (s: Json, key: string, exclusiveKey: string): { v: number; ex: boolean } | undefined => {
    const plain = typeof s[key] === "number" ? { v: s[key] as number, ex: s[exclusiveKey] === true } : undefined;
    const excl = typeof s[exclusiveKey] === "number" ? { v: s[exclusiveKey] as number, ex: true } : undefined;
    if (plain && excl) return key.startsWith("min") ? (excl.v >= plain.v ? excl : plain) : excl.v <= plain.v ? excl : plain;
    return plain ?? excl;
  };
  for (const [key, lower] of [...LOWER.map((k) => [k, true] as const), ...UPPER.map((k) => [k, false] as const)]) {
    const exclusiveKey = key === "minimum" ? "exclusiveMinimum" : key === "maximum" ? "exclusiveMaximum" : "";
    const ba = exclusiveKey ? bound(a, key, exclusiveKey) : typeof a[key] === "number" ? { v: a[key] as number, ex: false } : undefined;
    const bb = exclusiveKey ? bound(b, key, exclusiveKey) : typeof b[key] === "number" ? { v: b[key] as number, ex: false } : undefined;
    if (equal(ba, bb)) continue;
    const shown = exclusiveKey && !equal(a[key], b[key]) ? key : exclusiveKey && !equal(a[exclusiveKey], b[exclusiveKey]) ? exclusiveKey : key;
    if (!ba) say(`${key}-set`, "narrows", `${key} set`, shown);
    else if (!bb) say(`${key}-removed`, "widens", `${key} removed`, shown);
    else {
      // Compare as a point on the number line: a higher lower bound (or an exclusive one at the same value) narrows.
      const tighter = lower ? bb.v > ba.v || (bb.v === ba.v && bb.ex && !ba.ex) : bb.v < ba.v || (bb.v === ba.v && bb.ex && !ba.ex);
      const word = lower ? (tighter ? "raised" : "lowered") : tighter ? "lowered" : "raised";
      say(`${key}-${word}`, tighter ? "narrows" : "widens", `${key} ${word}`, shown);
    }
  }

  if (!equal(a.multipleOf, b.multipleOf)) {
    const ma = a.multipleOf as number | undefined;
    const mb = b.multipleOf as number | undefined;
    if (ma === undefined) say("multipleOf-set", "narrows", "multipleOf set", "multipleOf");
    else if (mb === undefined) say("multipleOf-removed", "widens", "multipleOf removed", "multipleOf");
    else if (Number.isInteger(ma / mb)) say("multipleOf-relaxed", "widens", "multipleOf now divides the old one", "multipleOf");
    else if (Number.isInteger(mb / ma)) say("multipleOf-tightened", "narrows", "multipleOf now a multiple of the old one", "multipleOf");
    else say("multipleOf-changed", "both", "multipleOf changed", "multipleOf");
  }
  if ((a.uniqueItems === true) !== (b.uniqueItems === true)) {
    say(
      b.uniqueItems === true ? "uniqueItems-set" : "uniqueItems-removed",
      b.uniqueItems === true ? "narrows" : "widens",
      `uniqueItems ${b.uniqueItems === true ? "set" : "removed"}`,
      "uniqueItems",
    );
  }

  diffDefault(a, b, ctx, pointer);
  diffObject(a, b, ctx, pointer, inner);

  // An absent `items` allows any item, as `{}` and `true` do.
  const anyItems = (v: unknown) => v === undefined || v === true || (isObject(v) && Object.keys(v).every(isDocKey));
  if (!equal(a.items, b.items) && !(anyItems(a.items) && anyItems(b.items))) {
    if (anyItems(a.items) || anyItems(b.items))
      say(
        anyItems(a.items) ? "items-added" : "items-removed",
        anyItems(a.items) ? "narrows" : "widens",
        `items schema ${anyItems(a.items) ? "added" : "removed"}`,
        "items",
      );
    else diffSchema(a.items, b.items, ctx, ptr(pointer, "items"), inner);
  }
  if (!equal(a.not, b.not)) {
    if (a.not === undefined || b.not === undefined)
      say(
        a.not === undefined ? "not-added" : "not-removed",
        a.not === undefined ? "narrows" : "widens",
        `not ${a.not === undefined ? "added" : "removed"}`,
        "not",
      );
    else diffSchema(a.not, b.not, { side: ctx.side, emit: (c) => ctx.emit({ ...c, effect: flip(c.effect) }) }, ptr(pointer, "not"), inner);
  }
  for (const comb of ["anyOf", "oneOf", "allOf"] as const) diffBranches(a, b, comb, ctx, pointer, inner);

  if (!equal(a.discriminator, b.discriminator)) {
    say(
      "discriminator-changed",
      "neutral",
      "discriminator changed: a hint for tools; which values are valid is decided by the alternatives, compared on their own (and the generated types, checked below)",
      "discriminator",
    );
  }
  for (const key of CONSTRAINTS) {
    if (equal(a[key], b[key])) continue;
    if (!(key in a)) say(`${key}-added`, "narrows", `${key} added`, key);
    else if (!(key in b)) say(`${key}-removed`, "widens", `${key} removed`, key);
    else say(`${key}-changed`, "both", `${key} changed (no direction rule for it: judged breaking)`, key);
  }
  for (const key of keys) {
    if (HANDLED.has(key) || isDocKey(key) || equal(a[key], b[key])) continue;
    say("unknown-keyword", "both", `${key} changed (no rule for this keyword: judged breaking)`, key);
  }
}

/**
 * `default`: in a request, the value the server assumes when the caller leaves it out, so any change
 * changes what such callers get. In a response, what a consumer assumes when the property is absent:
 * adding one tells consumers more, removing or changing one invalidates what they assumed (and
 * openapi-typescript makes a response property with a default non-optional, so removing one widens the type).
 */
function diffDefault(a: Json, b: Json, ctx: SchemaContext, pointer: string): void {
  if (equal(a.default, b.default)) return;
  const action = !("default" in a) ? "add" : !("default" in b) ? "remove" : "replace";
  const at = ptr(pointer, "default");
  if (ctx.side === "request") {
    ctx.emit({
      rule: `default-${action === "add" ? "added" : action === "remove" ? "removed" : "changed"}`,
      effect: "breaks",
      text: `default ${action === "add" ? "added" : action === "remove" ? "removed" : "changed"}: callers that leave the value out get a different (or undocumented) behaviour`,
      pointer: at,
      action,
      before: a.default,
      after: b.default,
    });
  } else if (ctx.side === "response") {
    if (action === "add")
      ctx.emit({
        rule: "default-added",
        effect: "neutral",
        text: "default added: consumers learn what an absent value means",
        pointer: at,
        action,
        after: b.default,
      });
    else
      ctx.emit({
        rule: `default-${action === "remove" ? "removed" : "changed"}`,
        effect: "breaks",
        text: `default ${action === "remove" ? "removed" : "changed"}: consumers that substitute it for an absent value now substitute a wrong one`,
        pointer: at,
        action,
        before: a.default,
        after: b.default,
      });
  } else ctx.emit({ rule: "default-changed", effect: "docs", text: "default changed", pointer: at, action, before: a.default, after: b.default });
}

/**
 * Properties, `required` and `additionalProperties`. A `readOnly` property is not part of a request and a
 * `writeOnly` one not part of a response: changes inside them do not count on that side, and a property
 * that becomes one is gone from that side (or appears, when it stops being one).
 */
function diffObject(a: Json, b: Json, ctx: SchemaContext, pointer: string, seen: Set<unknown>): void {
  const { emit, side } = ctx;
  const pa = isObject(a.properties) ? a.properties : {};
  const pb = isObject(b.properties) ? b.properties : {};
  const ra = new Set(Array.isArray(a.required) ? a.required.map(String) : []);
  const rb = new Set(Array.isArray(b.required) ? b.required.map(String) : []);
  const hidden = (p: unknown) => isObject(p) && (side === "request" ? p.readOnly === true : side === "response" ? p.writeOnly === true : false);
  const hiddenWord = side === "request" ? "readOnly" : "writeOnly";
  const closedA = a.additionalProperties === false;
  for (const name of new Set([...Object.keys(pa), ...Object.keys(pb), ...ra, ...rb])) {
    const at = ptr(pointer, "properties", name);
    const inA = name in pa && !hidden(pa[name]);
    const inB = name in pb && !hidden(pb[name]);
    const flipped = name in pa && name in pb && inA !== inB;
    if (inA && inB) {
      diffSchema(pa[name], pb[name], ctx, at, seen);
    } else if (!inA && inB) {
      const why = flipped ? `property no longer ${hiddenWord}, so now part of the ${side}` : "property added";
      if (side === "request") {
        emit(
          rb.has(name)
            ? { rule: "required-property-added", effect: "narrows", text: `required ${why}`, pointer: at, action: "add", after: pb[name] }
            : { rule: "optional-property-added", effect: "neutral", text: `optional ${why}`, pointer: at, action: "add", after: pb[name] },
        );
      } else if (closedA) {
        emit({
          rule: "property-added-to-closed-object",
          effect: "widens",
          text: `${why} to an object that allowed no other properties (consumers validating with the old spec reject it)`,
          pointer: at,
          action: "add",
          after: pb[name],
        });
      } else {
        emit({
          rule: "property-added",
          effect: "neutral",
          text: `${why} (objects are open: consumers ignore what they do not know)`,
          pointer: at,
          action: "add",
          after: pb[name],
        });
      }
      continue;
    } else if (inA && !inB) {
      const why = flipped ? `property became ${hiddenWord}, so no longer part of the ${side}` : "property removed";
      emit(
        side === "request"
          ? {
              rule: "request-property-removed",
              effect: "breaks",
              text: `${why}: callers that send it no longer compile against the new types, and the server may ignore or refuse it`,
              pointer: at,
              action: "remove",
              before: pa[name],
            }
          : {
              rule: "response-property-removed",
              effect: "breaks",
              text: `${why}: consumers that read it break`,
              pointer: at,
              action: "remove",
              before: pa[name],
            },
      );
      continue;
    }
    // Required-ness, for a property on this side in both versions (or named in `required` only).
    if ((name in pa && !inA) || (name in pb && !inB)) continue;
    if (ra.has(name) !== rb.has(name)) {
      const made = rb.has(name) ? "required" : "optional";
      emit({
        rule: `property-made-${made}`,
        effect: made === "required" ? "narrows" : "widens",
        text: `property made ${made}`,
        pointer: ptr(pointer, "required"),
        action: made === "required" ? "add" : "remove",
        ...(made === "required" ? { after: name } : { before: name }),
      });
    }
  }
  const apA = a.additionalProperties;
  const apB = b.additionalProperties;
  if (!equal(apA, apB)) {
    const at = ptr(pointer, "additionalProperties");
    const open = (v: unknown) => v === undefined || v === true || (isObject(v) && Object.keys(v).every(isDocKey));
    if (open(apA) && open(apB)) return;
    if (apB === false && open(apA))
      emit({ rule: "additionalProperties-closed", effect: "narrows", text: "object closed to other properties", pointer: at, action: "add", after: apB });
    else if (apA === false && open(apB))
      emit({ rule: "additionalProperties-opened", effect: "widens", text: "object opened to other properties", pointer: at, action: "remove", before: apA });
    else if (apA === false || apB === false || open(apA) || open(apB)) {
      const effect: Effect = apA === false ? "widens" : apB === false ? "narrows" : open(apA) ? "narrows" : "widens";
      emit({ rule: "additionalProperties-changed", effect, text: "additionalProperties changed", pointer: at, action: "replace", before: apA, after: apB });
    } else diffSchema(apA, apB, ctx, at, seen);
  }
}

/**
 * anyOf/oneOf alternatives (and allOf parts that could not be merged): identical ones are paired
 * first; the rest by position when as many remain on both sides, else reported added or removed.
 */
function diffBranches(a: Json, b: Json, comb: "anyOf" | "oneOf" | "allOf", ctx: SchemaContext, pointer: string, seen: Set<unknown>): void {
  const la = Array.isArray(a[comb]) ? (a[comb] as unknown[]) : undefined;
  const lb = Array.isArray(b[comb]) ? (b[comb] as unknown[]) : undefined;
  if (equal(la, lb)) return;
  const at = ptr(pointer, comb);
  // allOf narrows as it grows; anyOf/oneOf widen (a new alternative is one more way to be valid).
  const grows: Effect = comb === "allOf" ? "narrows" : "widens";
  if (!la || !lb) {
    // A new combinator is one more condition to meet, whichever it is; a removed one, one fewer.
    ctx.emit({
      rule: `${comb}-${!la ? "added" : "removed"}`,
      effect: !la ? "narrows" : "widens",
      text: `${comb} ${!la ? "added" : "removed"}`,
      pointer: at,
      action: !la ? "add" : "remove",
      before: la,
      after: lb,
    });
    return;
  }
  const restA = la.map((s, i) => ({ s, i })).filter(({ s }) => !lb.some((t) => equal(s, t)));
  const restB = lb.map((s, i) => ({ s, i })).filter(({ s }) => !la.some((t) => equal(s, t)));
  if (restA.length === restB.length) {
    restA.forEach(({ s, i }, n) => diffSchema(s, restB[n]!.s, ctx, ptr(pointer, comb, i), seen));
    return;
  }
  for (const { s, i } of restA)
    ctx.emit({
      rule: `${comb}-branch-removed`,
      effect: flip(grows),
      text: `${comb} ${comb === "allOf" ? "part" : "alternative"} removed`,
      pointer: ptr(pointer, comb, i),
      action: "remove",
      before: s,
    });
  for (const { s, i } of restB)
    ctx.emit({
      rule: `${comb}-branch-added`,
      effect: grows,
      text: `${comb} ${comb === "allOf" ? "part" : "alternative"} added`,
      pointer: ptr(pointer, comb, i),
      action: "add",
      after: s,
    });
}
