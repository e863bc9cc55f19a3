// What a change is and how its kind follows from its effect and its side (request or response).
export type Kind = "breaking" | "compatible" | "documentation-only";
/** What a change does to the set of requests or responses the spec allows. */
export type Effect = "narrows" | "widens" | "both" | "neutral" | "docs" | "breaks";
export type Side = "request" | "response" | "other";

export interface Change {
  kind: Kind;
  /** `POST /accounts/{aid}/customers/login`, or `spec` for changes outside any operation. */
  operation: string;
  /** `request body application/json`, `parameter aid (path)`, `response 200`, `response 200 header request-id`, ... */
  where: string;
  /** JSON pointer inside `where` (inside the schema for schema changes). */
  pointer: string;
  action: "add" | "remove" | "replace";
  before?: unknown;
  after?: unknown;
  /** The rule that decided the kind (stable name, listed in docs/spec.md). */
  rule: string;
  /** Why this kind, in words. */
  reason: string;
}

/**
 * Narrowing a request (fewer requests accepted) breaks callers; widening a response (more responses
 * possible) breaks consumers: a typed consumer's exhaustive `switch`, its non-null reads, and this
 * kit's client, which validates every response against the spec it was built from.
 */
export function kindOf(effect: Effect, side: Side): Kind {
  if (effect === "docs") return "documentation-only";
  if (effect === "neutral") return "compatible";
  if (effect === "both" || effect === "breaks") return "breaking";
  if (side === "request") return effect === "narrows" ? "breaking" : "compatible";
  if (side === "response") return effect === "widens" ? "breaking" : "compatible";
  return "breaking";
}

export function reasonFor(text: string, effect: Effect, side: Side): string {
  const kind = kindOf(effect, side);
  if ((effect === "narrows" || effect === "widens") && side !== "other") {
    const verb = effect === "narrows" ? "narrowed" : "widened";
    return `${text}: ${side} ${verb}${kind === "breaking" ? ` (breaks ${side === "request" ? "callers" : "consumers"})` : ""}`;
  }
  return text;
}

export type Emit = (change: {
  rule: string;
  effect: Effect;
  text: string;
  pointer?: string;
  action: Change["action"];
  before?: unknown;
  after?: unknown;
}) => void;

/** Collects changes for one place (`operation`, `where`, `side`). */
export function collector(out: Change[], operation: string, where: string, side: Side): Emit {
  return ({ rule, effect, text, pointer = "", action, before, after }) => {
    out.push({
      kind: kindOf(effect, side),
      operation,
      where,
      pointer,
      action,
      ...(before !== undefined ? { before } : {}),
      ...(after !== undefined ? { after } : {}),
      rule,
      reason: reasonFor(text, effect, side),
    });
  };
}

export type Json = Record<string, unknown>;
export const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Structural equality of JSON values (object key order ignored). */
export function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && equal(a[k], b[k]));
  }
  return false;
}

export { escapePointerToken as escapePointer } from "../../lib/json-pointer.ts";

/** Keys whose value is prose, samples or an extension: never a constraint. */
export const DOC_KEYS = new Set([
  "description",
  "summary",
  "title",
  "example",
  "examples",
  "externalDocs",
  "$comment",
  "deprecated",
  "tags",
  "contact",
  "license",
  "termsOfService",
  "xml",
  "$id",
  "$schema",
  "$anchor",
  "$defs",
  "definitions",
]);
export const isDocKey = (key: string) => DOC_KEYS.has(key) || key.startsWith("x-");
