// Classifies each change between two bundled specs as breaking, compatible or documentation-only, by direction.
// api-smart-diff finds the changes (semantic: $refs resolved, allOf merged, arrays matched by value);
// its own breaking/non-breaking verdict is kept for reference but not used: it judges several response
// changes the other way round from the direction rules below (see README, "Changing the spec").
import { apiCompare, type Diff } from "api-smart-diff";

export type Kind = "breaking" | "compatible" | "documentation-only";
/** What a change does to the set of values (or requests, responses) the spec allows. */
type Effect = "narrows" | "widens" | "both" | "neutral" | "docs";
type Side = "request" | "response" | "other";

export interface Change {
  kind: Kind;
  /** `POST /accounts/{aid}/customers/login`, or `spec` for changes outside any operation. */
  operation: string;
  /** `request body`, `parameter aid`, `response 200`, `response 200 header request-id`, ... */
  where: string;
  /** JSON pointer inside `where` (inside the schema for schema changes). */
  pointer: string;
  action: Diff["action"];
  before?: unknown;
  after?: unknown;
  /** Why this kind: the rule that decided it. */
  reason: string;
  /** api-smart-diff's own verdict, for reference. */
  library: Diff["type"];
}

type Json = Record<string, unknown>;
type Path = readonly (string | number)[];

const METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);

/** Keys whose value is prose or samples, never a constraint. */
const DOC_KEYS = new Set([
  "description", "summary", "title", "example", "examples", "externalDocs", "$comment",
  "deprecated", "tags", "contact", "license", "termsOfService", "links", "xml", "readOnly", "writeOnly",
]);
const isDocKey = (key: string | number | undefined) =>
  typeof key === "string" && (DOC_KEYS.has(key) || key.startsWith("x-"));

/** Lower bounds: raising one narrows. Upper bounds: lowering one narrows. */
const LOWER_BOUNDS = new Set(["minLength", "minimum", "exclusiveMinimum", "minItems", "minProperties", "minContains"]);
const UPPER_BOUNDS = new Set(["maxLength", "maximum", "exclusiveMaximum", "maxItems", "maxProperties", "maxContains"]);
/** Keywords that only add a constraint: adding narrows, removing widens, replacing may do both. */
const CONSTRAINTS = new Set(["pattern", "format", "const", "multipleOf", "uniqueItems", "not", "dependentRequired",
  "contentMediaType", "contentEncoding", "propertyNames", "contains", "unevaluatedProperties", "unevaluatedItems"]);
/** Keywords whose value is a subschema to walk into. */
const SCHEMA_CHILD = new Set(["items", "additionalProperties", "contains", "propertyNames", "unevaluatedProperties",
  "unevaluatedItems", "if", "then", "else"]);
const SCHEMA_MAP = new Set(["properties", "patternProperties", "$defs", "dependentSchemas"]);
const SCHEMA_LIST = new Set(["allOf", "anyOf", "oneOf", "prefixItems"]);

const typeSet = (t: unknown): Set<string> => {
  const list = Array.isArray(t) ? t.map(String) : t === undefined ? [] : [String(t)];
  const set = new Set(list);
  if (set.has("number")) set.add("integer");
  return set;
};
const subset = (a: Set<string>, b: Set<string>) => [...a].every((x) => b.has(x));

function getAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

const flip = (e: Effect): Effect => (e === "narrows" ? "widens" : e === "widens" ? "narrows" : e);

interface Verdict {
  effect: Effect;
  rule: string;
}

/** `required: true|false` on a parameter, request body or header; absent means false. */
function requiredFlag(diff: Diff, what: string): Verdict {
  const before = diff.before === true;
  const after = diff.after === true;
  if (before === after) return { effect: "docs", rule: `${what} required: ${String(after)} is the default, spelled out or dropped` };
  return after ? { effect: "narrows", rule: `${what} made required` } : { effect: "widens", rule: `${what} made optional` };
}

/**
 * The effect of a change at `rest` inside a schema (path relative to the schema root).
 * `merged` is api-smart-diff's merged document and `schemaPath` the schema root's path in it.
 */
function schemaEffect(diff: Diff, rest: Path, merged: unknown, schemaPath: Path, side: Side): Verdict {
  let inverted = false;
  let i = 0;
  while (i < rest.length) {
    const key = rest[i];
    const last = i === rest.length - 1;
    if (typeof key === "string" && SCHEMA_MAP.has(key)) {
      if (i + 1 >= rest.length) return keywordEffect(diff, key, inverted);
      if (i + 2 === rest.length && key === "properties") {
        const parent = getAt(merged, [...schemaPath, ...rest.slice(0, i)]) as Json | undefined;
        return propertyEffect(diff, parent, side, inverted);
      }
      i += 2;
      continue;
    }
    if (typeof key === "string" && SCHEMA_LIST.has(key)) {
      if (i + 1 >= rest.length) return keywordEffect(diff, key, inverted);
      if (i + 2 === rest.length) return branchEffect(diff, key, inverted);
      i += 2;
      continue;
    }
    if (key === "not") inverted = !inverted;
    if (typeof key === "string" && SCHEMA_CHILD.has(key) && !last) {
      // Inside if/then/else the direction is not decidable from one keyword.
      if (key === "if" || key === "then" || key === "else") return { effect: "both", rule: `changed inside ${key}` };
      i += 1;
      continue;
    }
    if (key === "not" && !last) {
      i += 1;
      continue;
    }
    return keywordEffect(diff, String(key), inverted, rest.slice(i + 1));
  }
  // The whole schema added, removed or replaced.
  return { effect: diff.action === "add" ? "narrows" : diff.action === "remove" ? "widens" : "both", rule: "schema " + diff.action };
}

function propertyEffect(diff: Diff, parent: Json | undefined, side: Side, inverted: boolean): Verdict {
  const closed = parent?.additionalProperties === false;
  if (diff.action === "add") {
    if (closed) return { effect: inverted ? "narrows" : "widens", rule: "property added to a closed object" };
    return { effect: "neutral", rule: "optional property added" };
  }
  if (diff.action === "remove") {
    // Responses: consumers may read it. Requests: callers that send it lose its effect (or are rejected
    // by a closed object); the schema alone cannot say the server still honours it, so judged breaking.
    return side === "response"
      ? { effect: "both", rule: "property removed from a response" }
      : { effect: "both", rule: "property removed from a request" };
  }
  return { effect: "both", rule: "property renamed or replaced" };
}

function branchEffect(diff: Diff, keyword: string, inverted: boolean): Verdict {
  const fix = (e: Effect) => (inverted ? flip(e) : e);
  if (keyword === "anyOf") {
    if (diff.action === "add") return { effect: fix("widens"), rule: "anyOf alternative added" };
    if (diff.action === "remove") return { effect: fix("narrows"), rule: "anyOf alternative removed" };
  }
  if (keyword === "allOf") {
    if (diff.action === "add") return { effect: fix("narrows"), rule: "allOf part added" };
    if (diff.action === "remove") return { effect: fix("widens"), rule: "allOf part removed" };
  }
  // oneOf is exclusive: a new branch can make a valid value match twice, and a removed one can
  // make a doubly matching value valid. prefixItems position changes shift every later item.
  return { effect: "both", rule: `${keyword} branch ${diff.action}` };
}

function keywordEffect(diff: Diff, keyword: string, inverted: boolean, inner: Path = []): Verdict {
  const fix = (v: Verdict): Verdict => (inverted ? { ...v, effect: flip(v.effect) } : v);
  const { action, before, after } = diff;
  if (isDocKey(keyword) || inner.some((k) => typeof k === "string" && k.startsWith("x-"))) {
    return { effect: "docs", rule: `${keyword} is documentation` };
  }
  if (keyword === "enum") {
    if (action === "add") return fix({ effect: "widens", rule: inner.length ? "enum value added" : "enum added" });
    if (action === "remove") return fix({ effect: "narrows", rule: inner.length ? "enum value removed" : "enum removed" });
    if (inner.length === 0) {
      // The whole enum replaced: compare the value sets.
      const b = new Set((before as unknown[]).map((v) => JSON.stringify(v)));
      const a = new Set((after as unknown[]).map((v) => JSON.stringify(v)));
      if (subset(b, a)) return fix({ effect: "widens", rule: "enum values added" });
      if (subset(a, b)) return fix({ effect: "narrows", rule: "enum values removed" });
    }
    return fix({ effect: "both", rule: "enum value replaced" });
  }
  if (keyword === "required") {
    if (action === "add") return fix({ effect: "narrows", rule: inner.length ? "property made required" : "required added" });
    if (action === "remove") return fix({ effect: "widens", rule: inner.length ? "property made optional" : "required removed" });
    return fix({ effect: "both", rule: "required property replaced" });
  }
  if (keyword === "type") {
    if (action === "add" && inner.length === 0) return fix({ effect: "narrows", rule: "type added" });
    if (action === "remove" && inner.length === 0) return fix({ effect: "widens", rule: "type removed" });
    if (action === "add") return fix({ effect: "widens", rule: "type alternative added" });
    if (action === "remove") return fix({ effect: "narrows", rule: "type alternative removed" });
    const b = typeSet(before);
    const a = typeSet(after);
    if (subset(b, a)) return fix({ effect: "widens", rule: "type widened" });
    if (subset(a, b)) return fix({ effect: "narrows", rule: "type narrowed" });
    return fix({ effect: "both", rule: "type changed" });
  }
  if (keyword === "nullable") {
    const b = before === true;
    const a = after === true;
    if (a === b) return { effect: "neutral", rule: "nullable unchanged" };
    return fix({ effect: a ? "widens" : "narrows", rule: a ? "made nullable" : "made non-nullable" });
  }
  if (keyword === "additionalProperties" && typeof (after ?? before) === "boolean") {
    const allows = (v: unknown) => v !== false;
    if (allows(before) === allows(after)) return { effect: "neutral", rule: "additionalProperties unchanged" };
    return fix({ effect: allows(after) ? "widens" : "narrows", rule: allows(after) ? "object opened" : "object closed" });
  }
  if (LOWER_BOUNDS.has(keyword) || UPPER_BOUNDS.has(keyword)) {
    if (action === "add") return fix({ effect: "narrows", rule: `${keyword} added` });
    if (action === "remove") return fix({ effect: "widens", rule: `${keyword} removed` });
    if (typeof before === "number" && typeof after === "number") {
      const raised = after > before;
      const narrows = LOWER_BOUNDS.has(keyword) ? raised : !raised;
      return fix({ effect: narrows ? "narrows" : "widens", rule: `${keyword} ${raised ? "raised" : "lowered"}` });
    }
    return fix({ effect: "both", rule: `${keyword} changed` });
  }
  if (CONSTRAINTS.has(keyword) || SCHEMA_CHILD.has(keyword)) {
    if (action === "add") return fix({ effect: "narrows", rule: `${keyword} added` });
    if (action === "remove") return fix({ effect: "widens", rule: `${keyword} removed` });
    // Whether one regular expression (or format) accepts a subset of another is not decided here.
    return fix({ effect: "both", rule: `${keyword} changed` });
  }
  // default, discriminator, $schema and anything unknown: no rule says which way it goes.
  return { effect: "both", rule: `${keyword} changed (no direction rule: judged breaking to be safe)` };
}

/** Requests: narrowing breaks callers. Responses: widening breaks consumers. */
function kindOf(effect: Effect, side: Side): Kind {
  if (effect === "docs") return "documentation-only";
  if (effect === "neutral") return "compatible";
  if (effect === "both") return "breaking";
  if (side === "request") return effect === "narrows" ? "breaking" : "compatible";
  if (side === "response") return effect === "widens" ? "breaking" : "compatible";
  return "breaking";
}

interface Located {
  operation: string;
  where: string;
  side: Side;
  /** Path of the schema root in the merged document, when the change is inside a schema. */
  schemaPath?: Path;
  rest: Path;
  /** A verdict decided by the location alone (an operation, status, media type... added or removed). */
  verdict?: Verdict;
}

const ptr = (path: Path) => (path.length ? "/" + path.map((p) => String(p).replaceAll("~", "~0").replaceAll("/", "~1")).join("/") : "");

/** Locates a change under one operation (or path item, for path-level parameters). */
function locateInOperation(diff: Diff, merged: unknown, operation: string, base: Path, rest: Path): Located {
  const [head, ...tail] = rest;
  const at = (where: string, side: Side, extra: Partial<Located> = {}): Located => ({ operation, where, side, rest: tail, ...extra });
  if (head === undefined) {
    return { operation, where: "operation", side: "other", rest, verdict: { effect: "both", rule: diff.action === "add" ? "operation added" : "operation removed" } };
  }
  if (head === "parameters") {
    const index = tail[0];
    const name = paramName(merged, base, index);
    const inner = tail.slice(1);
    const loc: Located = { operation, where: `parameter ${name}`, side: "request", rest: inner };
    if (inner.length === 0) {
      const value = (diff.after ?? diff.before) as Json | undefined;
      if (diff.action === "add") loc.verdict = value?.required === true
        ? { effect: "narrows", rule: "required parameter added" }
        : { effect: "neutral", rule: "optional parameter added" };
      else loc.verdict = { effect: "both", rule: `parameter ${diff.action === "remove" ? "removed" : "replaced"}` };
      return loc;
    }
    if (inner[0] === "schema") return { ...loc, schemaPath: [...base, "parameters", index!, "schema"], rest: inner.slice(1) };
    if (inner[0] === "required") {
      loc.verdict = requiredFlag(diff, "parameter");
      return loc;
    }
    if (inner[0] === "name" && inner.length === 1) {
      loc.verdict = { effect: "both", rule: "parameter renamed" };
      return loc;
    }
    return loc;
  }
  if (head === "requestBody") {
    if (tail.length === 0) {
      const value = (diff.after ?? diff.before) as Json | undefined;
      const verdict: Verdict = diff.action === "add"
        ? (value?.required === true ? { effect: "narrows", rule: "required request body added" } : { effect: "neutral", rule: "optional request body added" })
        : { effect: "both", rule: `request body ${diff.action === "remove" ? "removed" : "replaced"}` };
      return at("request body", "request", { verdict });
    }
    if (tail[0] === "required" && tail.length === 1) {
      return at("request body", "request", { verdict: requiredFlag(diff, "request body") });
    }
    if (tail[0] === "content") return locateContent(diff, operation, "request body", "request", [...base, "requestBody"], tail);
    return at("request body", "request");
  }
  if (head === "responses") {
    const status = tail[0];
    if (status === undefined) return at("responses", "response", { verdict: { effect: "both", rule: "responses replaced" } });
    const where = `response ${status}`;
    const inner = tail.slice(1);
    if (inner.length === 0) {
      return { operation, where, side: "response", rest: inner, verdict: diff.action === "add"
        ? { effect: "widens", rule: "response status added" }
        : diff.action === "remove" ? { effect: "narrows", rule: "response status removed" } : { effect: "both", rule: "response replaced" } };
    }
    if (inner[0] === "content") return locateContent(diff, operation, where, "response", [...base, "responses", status], inner);
    if (inner[0] === "headers" && inner[1] !== undefined) {
      const hWhere = `${where} header ${inner[1]}`;
      const hRest = inner.slice(2);
      if (hRest.length === 0) {
        return { operation, where: hWhere, side: "response", rest: hRest, verdict: diff.action === "add"
          ? { effect: "neutral", rule: "response header added" }
          : { effect: "both", rule: `response header ${diff.action === "remove" ? "removed" : "replaced"}` } };
      }
      if (hRest[0] === "schema") return { operation, where: hWhere, side: "response", schemaPath: [...base, "responses", status, "headers", inner[1], "schema"], rest: hRest.slice(1) };
      if (hRest[0] === "required") {
        return { operation, where: hWhere, side: "response", rest: hRest, verdict: requiredFlag(diff, "header") };
      }
      return { operation, where: hWhere, side: "response", rest: hRest };
    }
    return { operation, where, side: "response", rest: inner };
  }
  if (isDocKey(head)) return at(String(head), "other", { verdict: { effect: "docs", rule: `${String(head)} is documentation` } });
  if (head === "security") return at("security", "request", { verdict: securityVerdict(diff, tail) });
  if (head === "servers") return at("servers", "request", { verdict: serversVerdict(diff, tail) });
  if (head === "operationId") {
    return at("operationId", "other", { verdict: { effect: "neutral", rule: "operationId changed: the generated `operations` key changes, not the wire" } });
  }
  return at(String(head), "other");
}

function locateContent(diff: Diff, operation: string, where: string, side: Side, base: Path, rest: Path): Located {
  // rest = ["content", mediaType?, ...]
  const media = rest[1];
  const inner = rest.slice(2);
  if (media === undefined) return { operation, where, side, rest, verdict: { effect: "both", rule: "content replaced" } };
  const mWhere = `${where} ${media}`;
  if (inner.length === 0) {
    // A new media type is one more kind of body: compatible for requests, breaking for responses.
    return { operation, where: mWhere, side, rest: inner, verdict: diff.action === "add"
      ? { effect: "widens", rule: "media type added" }
      : diff.action === "remove" ? { effect: "narrows", rule: "media type removed" } : { effect: "both", rule: "media type replaced" } };
  }
  if (inner[0] === "schema") return { operation, where: mWhere, side, schemaPath: [...base, "content", media, "schema"], rest: inner.slice(1) };
  return { operation, where: mWhere, side, rest: inner };
}

function paramName(merged: unknown, base: Path, index: string | number | undefined): string {
  const value = index === undefined ? undefined : (getAt(merged, [...base, "parameters", index]) as Json | undefined);
  if (value && typeof value.name === "string") return `${value.name} (${String(value.in)})`;
  return String(index);
}

function securityVerdict(diff: Diff, rest: Path): Verdict {
  // `security` is a list of alternatives: one more alternative is compatible, one fewer (or a changed one) breaks.
  if (rest.length === 1 && diff.action === "add") return { effect: "widens", rule: "security alternative added" };
  if (rest.length === 0 && diff.action === "remove") return { effect: "widens", rule: "security removed" };
  if (rest.length >= 2 && diff.action === "remove") return { effect: "widens", rule: "scope no longer required" };
  return { effect: "narrows", rule: `security requirement ${diff.action === "add" ? "added" : "changed"}` };
}

function serversVerdict(diff: Diff, rest: Path): Verdict {
  const key = rest[rest.length - 1];
  if (isDocKey(key)) return { effect: "docs", rule: "server description" };
  // One more server is an alternative; a removed or changed URL leaves callers configured for it behind.
  if (diff.action === "add" && rest.length <= 1) return { effect: "widens", rule: "server added" };
  return { effect: "narrows", rule: `server ${diff.action === "remove" ? "removed" : "changed"}` };
}

/** Every `#/components/...` pointer reachable from `paths`, following refs transitively. */
export function referencedComponents(doc: Json): Set<string> {
  const seen = new Set<string>();
  const visit = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== "object") return;
    for (const [k, v] of Object.entries(node)) {
      if (k === "$ref" && typeof v === "string" && v.startsWith("#/components/")) {
        const key = v.split("/").slice(0, 4).join("/");
        if (!seen.has(key)) {
          seen.add(key);
          visit(getAt(doc, key.slice(2).split("/").map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"))));
        }
      } else visit(v);
    }
  };
  visit(doc.paths);
  // Security schemes are referenced by name, not by $ref.
  const names = new Set<string>();
  const collect = (sec: unknown) => Array.isArray(sec) && sec.forEach((req) => Object.keys(req ?? {}).forEach((n) => names.add(n)));
  collect(doc.security);
  for (const item of Object.values((doc.paths ?? {}) as Record<string, Json>)) {
    for (const [m, op] of Object.entries(item ?? {})) if (METHODS.has(m)) collect((op as Json).security);
  }
  for (const n of names) seen.add(`#/components/securitySchemes/${n}`);
  return seen;
}

function locate(diff: Diff, merged: unknown, used: Set<string>): Located | null {
  const path = diff.path;
  const [top, ...rest] = path;
  if (top === "paths") {
    const route = rest[0];
    if (route === undefined && diff.action === "rename") {
      // api-smart-diff matches a path whose parameter names changed ({aid} -> {oid}) and reports a rename.
      const shape = (p: unknown) => String(p).replace(/\{[^}]*\}/g, "{}");
      const sameUrl = shape(diff.before) === shape(diff.after);
      return { operation: `* ${String(diff.before)}`, where: "path", side: "other", rest: [], verdict: { effect: "both", rule: sameUrl
        ? "path parameter renamed: the URL does not change, but the generated `paths` key (exported type) does"
        : "path renamed" } };
    }
    if (route === undefined) return { operation: "spec", where: "paths", side: "other", rest: [], verdict: { effect: "both", rule: "paths replaced" } };
    const method = rest[1];
    if (method === undefined) {
      return { operation: `* ${String(route)}`, where: "path", side: "other", rest: [], verdict: diff.action === "add"
        ? { effect: "neutral", rule: "path added" } : { effect: "both", rule: `path ${diff.action === "remove" ? "removed" : "renamed"}` } };
    }
    if (typeof method === "string" && METHODS.has(method)) {
      const operation = `${method.toUpperCase()} ${String(route)}`;
      const loc = locateInOperation(diff, merged, operation, ["paths", route, method], rest.slice(2));
      if (rest.length === 2 && diff.action === "add") loc.verdict = { effect: "neutral", rule: "operation added" };
      if (rest.length === 2 && diff.action === "remove") loc.verdict = { effect: "both", rule: "operation removed" };
      return loc;
    }
    // Path-level parameters, servers, summary...: they apply to every operation of the path.
    return locateInOperation(diff, merged, `* ${String(route)}`, ["paths", route], rest.slice(1));
  }
  if (top === "components") {
    const key = `#/components/${String(rest[0])}/${String(rest[1])}`;
    // A used component's changes already show, resolved, under every operation that uses it.
    if (rest.length >= 2 && used.has(key) && rest[0] !== "securitySchemes") return null;
    const where = `components/${rest.slice(0, 2).join("/")}`;
    if (rest[0] === "securitySchemes") return { operation: "spec", where, side: "request", rest: rest.slice(2) };
    return { operation: "spec", where, side: "other", rest: rest.slice(2), verdict: isDocKey(path[path.length - 1])
      ? { effect: "docs", rule: "documentation" }
      : { effect: "neutral", rule: "component used by no operation: the wire does not change (its generated type does)" } };
  }
  if (top === "servers") return { operation: "spec", where: "servers", side: "request", rest, verdict: serversVerdict(diff, rest) };
  if (top === "security") return { operation: "spec", where: "security", side: "request", rest, verdict: securityVerdict(diff, rest) };
  if (top === "openapi") return { operation: "spec", where: "openapi", side: "other", rest, verdict: { effect: "docs", rule: "OpenAPI version" } };
  if (top === "info" || top === "tags" || top === "externalDocs" || isDocKey(top)) {
    return { operation: "spec", where: String(top), side: "other", rest, verdict: { effect: "docs", rule: `${String(top)} is documentation` } };
  }
  return { operation: "spec", where: String(top), side: "other", rest };
}

function judge(diff: Diff, loc: Located, merged: unknown): Verdict {
  if (loc.verdict) return loc.verdict;
  if (loc.rest.some(isDocKey) && !loc.schemaPath) return { effect: "docs", rule: "documentation" };
  if (loc.schemaPath) return schemaEffect(diff, loc.rest, merged, loc.schemaPath, loc.side);
  if (isDocKey(diff.path[diff.path.length - 1])) return { effect: "docs", rule: "documentation" };
  return { effect: "both", rule: `${loc.rest.join(".") || loc.where} changed (no direction rule: judged breaking to be safe)` };
}

/** Combinator indices that api-smart-diff's allOf merge repeats a change under; dropped when deduplicating. */
const dedupeKey = (c: Change) => [c.kind, c.operation, c.where, c.pointer.replace(/\/(anyOf|oneOf|allOf)\/\d+/g, ""), c.action, c.reason].join("|");

/**
 * Replaces every local `$ref` by a copy of its target (a cycle keeps its `$ref`). api-smart-diff
 * resolves refs itself, but compares a `$ref` on one side with the same schema inline on the other
 * as a change (api-smart-diff 1.0.6); resolving first makes moving a schema in or out of components no change.
 */
export function dereference(doc: Json): Json {
  const resolve = (pointer: string): unknown =>
    pointer.slice(2).split("/").map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"))
      .reduce<unknown>((n, k) => (n === null || typeof n !== "object" ? undefined : (n as Json)[k]), doc);
  const walk = (node: unknown, stack: readonly string[]): unknown => {
    if (Array.isArray(node)) return node.map((n) => walk(n, stack));
    if (node === null || typeof node !== "object") return node;
    const { $ref, ...siblings } = node as Json;
    if (typeof $ref === "string" && $ref.startsWith("#/") && !stack.includes($ref)) {
      const target = resolve($ref);
      if (target !== undefined) {
        const resolved = walk(target, [...stack, $ref]);
        const rest = walk(siblings, stack) as Json;
        if (Object.keys(rest).length === 0) return resolved;
        // OpenAPI 3.1 lets a $ref have siblings: keep both when they overlap, merge when they do not.
        const overlap = Object.keys(rest).some((k) => resolved !== null && typeof resolved === "object" && k in resolved);
        return overlap ? { allOf: [resolved, rest] } : { ...(resolved as Json), ...rest };
      }
    }
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, stack)]));
  };
  return walk(doc, []) as Json;
}

/** Compares two bundled (not dereferenced) specs and classifies every change. */
export function classifyChanges(before: Json, after: Json): Change[] {
  const { diffs, merged } = apiCompare(dereference(before), dereference(after));
  const used = new Set([...referencedComponents(before), ...referencedComponents(after)]);
  const changes: Change[] = [];
  const seen = new Set<string>();
  for (const diff of diffs) {
    const loc = locate(diff, merged, used);
    if (!loc) continue;
    const verdict = judge(diff, loc, merged);
    const kind = kindOf(verdict.effect, loc.side);
    const change: Change = {
      kind,
      operation: loc.operation,
      where: loc.where,
      pointer: ptr(loc.rest),
      action: diff.action,
      ...(diff.before !== undefined ? { before: diff.before } : {}),
      ...(diff.after !== undefined ? { after: diff.after } : {}),
      reason: reasonText(verdict, loc.side, kind),
      library: diff.type,
    };
    const key = dedupeKey(change);
    if (seen.has(key)) continue;
    seen.add(key);
    changes.push(change);
  }
  const order: Record<Kind, number> = { breaking: 0, compatible: 1, "documentation-only": 2 };
  return changes.sort((a, b) => order[a.kind] - order[b.kind]);
}

function reasonText(v: Verdict, side: Side, kind: Kind): string {
  if (v.effect === "narrows" || v.effect === "widens") {
    if (side === "request" || side === "response") {
      return `${v.rule}: ${side} ${v.effect === "narrows" ? "narrowed" : "widened"}${kind === "breaking" ? " (breaks " + (side === "request" ? "callers" : "consumers") + ")" : ""}`;
    }
  }
  return v.rule;
}

/** The classification the CLI reports: breaking when any change is. */
export function overallKind(changes: readonly Change[]): Kind | "none" {
  if (changes.some((c) => c.kind === "breaking")) return "breaking";
  if (changes.some((c) => c.kind === "compatible")) return "compatible";
  if (changes.length > 0) return "documentation-only";
  return "none";
}
