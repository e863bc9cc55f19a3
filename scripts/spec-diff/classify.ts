// Classifies every change between two bundled specs as breaking, compatible or documentation-only.
// Operations are matched by method and URL shape; parameters by location and name (path-level ones
// merged into each operation, as OpenAPI says); responses by status; bodies by media type; schemas
// keyword by keyword (schema-diff.ts). Each rule, and how it differs from oasdiff's, is in docs/spec.md.
import { resolvePointer } from "../../lib/json-pointer.ts";
import { type Change, collector, type Emit, equal, isDocKey, isObject, type Json, type Kind, type Side } from "./rules.ts";
import { GRANT_SECURITY_KEYWORD } from "../generate-model.ts";
import { diffSchema } from "./schema-diff.ts";

export type { Change, Kind } from "./rules.ts";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
/** Path-item and operation keys compared by a rule below. */
const OPERATION_KEYS = new Set(["parameters", "requestBody", "responses", "security", "servers", "operationId"]);

/**
 * Replaces every local `$ref` by a copy of its target (a cycle keeps its `$ref`), so that moving a
 * schema into or out of `components` is no change. A 3.1 `$ref` with siblings keeps both.
 */
export function dereference(doc: Json): Json {
  const resolve = (pointer: string): unknown => resolvePointer(doc, pointer);
  const walk = (node: unknown, stack: readonly string[]): unknown => {
    if (Array.isArray(node)) return node.map((n) => walk(n, stack));
    if (!isObject(node)) return node;
    const { $ref, ...siblings } = node;
    if (typeof $ref === "string" && $ref.startsWith("#/") && !stack.includes($ref)) {
      const target = resolve($ref);
      if (target !== undefined) {
        const resolved = walk(target, [...stack, $ref]);
        const rest = walk(siblings, stack) as Json;
        if (Object.keys(rest).length === 0) return resolved;
        const overlap = Object.keys(rest).some((k) => isObject(resolved) && k in resolved);
        return overlap ? { allOf: [resolved, rest] } : { ...(resolved as Json), ...rest };
      }
    }
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, stack)]));
  };
  return walk(doc, []) as Json;
}

/** Every `#/components/...` entry reachable from `paths` (following refs) or named by a security requirement. */
export function referencedComponents(doc: Json): Set<string> {
  const seen = new Set<string>();
  const visit = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!isObject(node)) return;
    for (const [k, v] of Object.entries(node)) {
      if (k === "$ref" && typeof v === "string" && v.startsWith("#/components/")) {
        const key = v.split("/").slice(0, 4).join("/");
        if (!seen.has(key)) {
          seen.add(key);
          visit(resolvePointer(doc, key));
        }
      } else visit(v);
    }
  };
  visit(doc.paths);
  for (const op of operations(doc).values())
    for (const req of effectiveSecurity(doc, op.op) ?? []) for (const name of Object.keys(req)) seen.add(`#/components/securitySchemes/${name}`);
  return seen;
}

interface Operation {
  route: string;
  method: string;
  op: Json;
  item: Json;
}

/** `/accounts/{aid}/x` and `/accounts/{oid}/x` are the same URL: operations are matched on this shape. */
const shape = (route: string) => route.replace(/\{[^}]*\}/g, "{}");

function operations(doc: Json): Map<string, Operation> {
  const out = new Map<string, Operation>();
  for (const [route, item] of Object.entries(isObject(doc.paths) ? doc.paths : {})) {
    if (!isObject(item)) continue;
    for (const method of METHODS) if (isObject(item[method])) out.set(`${method} ${shape(route)}`, { route, method, op: item[method] as Json, item });
  }
  return out;
}

const paramKey = (p: Json) => `${String(p.in)}:${p.in === "header" ? String(p.name).toLowerCase() : String(p.name)}`;

/** The operation's parameters: path-level ones, overridden by the operation's own with the same location and name. */
function parametersOf({ op, item }: Operation): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const list of [item.parameters, op.parameters]) {
    if (Array.isArray(list)) for (const p of list) if (isObject(p)) out.set(paramKey(p), p);
  }
  return out;
}

const pathParamNames = (route: string) => [...route.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]!);

/** The security requirements in force: the operation's own, else the document's; undefined when neither says. */
function effectiveSecurity(doc: Json, op: Json): Json[] | undefined {
  const list = Array.isArray(op.security) ? op.security : Array.isArray(doc.security) ? doc.security : undefined;
  return list?.filter(isObject);
}

const isError = (status: string) => /^[45]/.test(status) || status === "default";

interface Ctx {
  out: Change[];
  before: Json;
  after: Json;
}

function docChanges(a: Json, b: Json, emit: Emit, keys: Iterable<string>): void {
  for (const key of keys) {
    if (isDocKey(key) && !equal(a[key], b[key])) {
      emit({
        rule: "annotation",
        effect: "docs",
        text: `${key} is documentation`,
        action: !(key in a) ? "add" : !(key in b) ? "remove" : "replace",
        before: a[key],
        after: b[key],
      });
    }
  }
}

function keysOf(...objects: Json[]): Set<string> {
  return new Set(objects.flatMap((o) => Object.keys(o)));
}

/** Media types: `application/*` covers `application/json`; parameters (`; charset=utf-8`) do not make another type. */
const baseType = (m: string) => m.split(";")[0]!.trim().toLowerCase();
const covers = (general: string, specific: string) => {
  const [gt, gs] = baseType(general).split("/");
  const [st, ss] = baseType(specific).split("/");
  return (gt === "*" || gt === st) && (gs === "*" || gs === ss);
};

function diffContent(a: unknown, b: unknown, ctx: Ctx, operation: string, where: string, side: Side): void {
  const ca = isObject(a) ? a : {};
  const cb = isObject(b) ? b : {};
  const onlyA = Object.keys(ca).filter((m) => !(m in cb));
  const onlyB = Object.keys(cb).filter((m) => !(m in ca));
  const pairs: Array<[string, string]> = Object.keys(ca)
    .filter((m) => m in cb)
    .map((m) => [m, m]);
  const emit = collector(ctx.out, operation, where, side);
  for (const m of [...onlyA]) {
    const same = onlyB.find((n) => baseType(n) === baseType(m));
    const wider = onlyB.find((n) => covers(n, m));
    const narrower = onlyB.find((n) => covers(m, n));
    const match = same ?? wider ?? narrower;
    if (!match) continue;
    onlyA.splice(onlyA.indexOf(m), 1);
    onlyB.splice(onlyB.indexOf(match), 1);
    pairs.push([m, match]);
    if (same)
      emit({
        rule: "media-type-parameters-changed",
        effect: "neutral",
        text: `media type parameters changed (${m} → ${match}): the type is the same`,
        action: "replace",
        before: m,
        after: match,
      });
    else
      emit({
        rule: wider ? "media-type-generalized" : "media-type-specialized",
        effect: wider ? "widens" : "narrows",
        text: `media type ${wider ? "generalized" : "specialized"} (${m} → ${match})`,
        action: "replace",
        before: m,
        after: match,
      });
  }
  for (const m of onlyA) {
    const emitM = collector(ctx.out, operation, `${where} ${m}`, side);
    emitM(
      side === "request"
        ? { rule: "request-media-type-removed", effect: "breaks", text: "media type removed: callers that send it are refused", action: "remove" }
        : {
            rule: "response-media-type-removed",
            effect: "breaks",
            text: "media type removed: callers that ask for it (Accept) or parse it no longer get it",
            action: "remove",
          },
    );
  }
  for (const m of onlyB) {
    const emitM = collector(ctx.out, operation, `${where} ${m}`, side);
    emitM(
      side === "request"
        ? { rule: "request-media-type-added", effect: "neutral", text: "media type added: one more way to send the body", action: "add" }
        : {
            rule: "response-media-type-added",
            effect: "breaks",
            text: "media type added: one more kind of body to parse (a typed client's response type becomes the union of every media type's schema)",
            action: "add",
          },
    );
  }
  for (const [m, n] of pairs) {
    const ma = isObject(ca[m]) ? (ca[m] as Json) : {};
    const mb = isObject(cb[n]) ? (cb[n] as Json) : {};
    const emitM = collector(ctx.out, operation, `${where} ${n}`, side);
    docChanges(ma, mb, emitM, keysOf(ma, mb));
    diffSchema(ma.schema, mb.schema, { side, emit: emitM });
    for (const key of keysOf(ma, mb)) {
      if (key === "schema" || isDocKey(key) || equal(ma[key], mb[key])) continue;
      emitM({
        rule: "unknown-keyword",
        effect: "both",
        text: `${key} changed (no rule: judged breaking)`,
        pointer: `/${key}`,
        action: "replace",
        before: ma[key],
        after: mb[key],
      });
    }
  }
}

/** Serialization defaults (OpenAPI 3 §4.8.12): style form for query and cookie, simple for path and header; explode only with form. */
function serialization(p: Json) {
  const style = typeof p.style === "string" ? p.style : p.in === "query" || p.in === "cookie" ? "form" : "simple";
  return { style, explode: typeof p.explode === "boolean" ? p.explode : style === "form", allowReserved: p.allowReserved === true };
}

function diffParameter(pa: Json, pb: Json, emit: Emit, ctx: Ctx, operation: string, where: string): void {
  docChanges(pa, pb, emit, keysOf(pa, pb));
  const reqA = pa.required === true || pa.in === "path";
  const reqB = pb.required === true || pb.in === "path";
  if (reqA !== reqB)
    emit({
      rule: reqB ? "parameter-made-required" : "parameter-made-optional",
      effect: reqB ? "narrows" : "widens",
      text: `parameter made ${reqB ? "required" : "optional"}`,
      pointer: "/required",
      action: "replace",
      before: reqA,
      after: reqB,
    });
  if (!equal(serialization(pa), serialization(pb)))
    emit({
      rule: "parameter-serialization-changed",
      effect: "both",
      text: "style/explode/allowReserved changed: the same value is sent differently",
      pointer: "/style",
      action: "replace",
      before: serialization(pa),
      after: serialization(pb),
    });
  if ((pa.allowEmptyValue === true) !== (pb.allowEmptyValue === true))
    emit({
      rule: "parameter-allowEmptyValue-changed",
      effect: pb.allowEmptyValue === true ? "widens" : "narrows",
      text: "allowEmptyValue changed",
      pointer: "/allowEmptyValue",
      action: "replace",
      before: pa.allowEmptyValue,
      after: pb.allowEmptyValue,
    });
  diffSchema(pa.schema, pb.schema, { side: "request", emit: (c) => emit({ ...c, pointer: `/schema${c.pointer ?? ""}` }) });
  if (pa.content !== undefined || pb.content !== undefined) diffContent(pa.content, pb.content, ctx, operation, where, "request");
}

function diffParameters(oa: Operation, ob: Operation, ctx: Ctx, operation: string): void {
  const pa = parametersOf(oa);
  const pb = parametersOf(ob);
  // A renamed path parameter ({aid} → {oid}) is the same parameter: matched by position in the URL.
  const rename = new Map<string, string>();
  const namesA = pathParamNames(oa.route);
  const namesB = pathParamNames(ob.route);
  namesA.forEach((n, i) => {
    if (namesB[i] !== undefined && namesB[i] !== n) rename.set(`path:${n}`, `path:${namesB[i]}`);
  });
  const renamedA = new Map([...pa].map(([k, v]) => [rename.get(k) ?? k, v]));
  for (const key of new Set([...renamedA.keys(), ...pb.keys()])) {
    const a = renamedA.get(key);
    const b = pb.get(key);
    const p = (b ?? a)!;
    const where = `parameter ${String(p.name)} (${String(p.in)})`;
    const emit = collector(ctx.out, operation, where, "request");
    if (!a && b) {
      const required = b.required === true || b.in === "path";
      emit(
        required
          ? { rule: "required-parameter-added", effect: "narrows", text: "required parameter added", action: "add", after: b }
          : { rule: "optional-parameter-added", effect: "neutral", text: "optional parameter added", action: "add", after: b },
      );
    } else if (a && !b) {
      emit({
        rule: "parameter-removed",
        effect: "breaks",
        text: "parameter removed: callers that send it no longer compile against the new types, and the server may ignore or refuse it",
        action: "remove",
        before: a,
      });
    } else if (a && b) diffParameter(a, b, emit, ctx, operation, where);
  }
}

function diffRequestBody(a: unknown, b: unknown, ctx: Ctx, operation: string): void {
  const emit = collector(ctx.out, operation, "request body", "request");
  if (!isObject(a) && !isObject(b)) return;
  if (!isObject(a)) {
    const required = (b as Json).required === true;
    return emit(
      required
        ? { rule: "required-request-body-added", effect: "narrows", text: "required request body added", action: "add" }
        : { rule: "optional-request-body-added", effect: "neutral", text: "optional request body added", action: "add" },
    );
  }
  if (!isObject(b))
    return emit({
      rule: "request-body-removed",
      effect: "breaks",
      text: "request body removed: callers that send one no longer compile against the new types, and the server may ignore or refuse it",
      action: "remove",
    });
  docChanges(a, b, emit, keysOf(a, b));
  if ((a.required === true) !== (b.required === true)) {
    emit({
      rule: b.required === true ? "request-body-made-required" : "request-body-made-optional",
      effect: b.required === true ? "narrows" : "widens",
      text: `request body made ${b.required === true ? "required" : "optional"}`,
      pointer: "/required",
      action: "replace",
      before: a.required,
      after: b.required,
    });
  }
  diffContent(a.content, b.content, ctx, operation, "request body", "request");
}

function diffHeaders(a: unknown, b: unknown, ctx: Ctx, operation: string, where: string): void {
  const lower = (h: unknown) =>
    new Map(
      Object.entries(isObject(h) ? h : {})
        .filter(([, v]) => isObject(v))
        .map(([k, v]) => [k.toLowerCase(), { name: k, h: v as Json }]),
    );
  const ha = lower(a);
  const hb = lower(b);
  for (const key of new Set([...ha.keys(), ...hb.keys()])) {
    const x = ha.get(key);
    const y = hb.get(key);
    const emit = collector(ctx.out, operation, `${where} header ${(y ?? x)!.name}`, "response");
    if (!x && y) emit({ rule: "response-header-added", effect: "neutral", text: "response header added", action: "add" });
    else if (x && !y) {
      emit(
        x.h.required === true
          ? {
              rule: "required-response-header-removed",
              effect: "breaks",
              text: "required response header removed: consumers that read it break",
              action: "remove",
            }
          : {
              rule: "optional-response-header-removed",
              effect: "neutral",
              text: "optional response header removed: it could be absent from any response, so consumers already handle its absence",
              action: "remove",
            },
      );
    } else if (x && y) {
      docChanges(x.h, y.h, emit, keysOf(x.h, y.h));
      if ((x.h.required === true) !== (y.h.required === true)) {
        emit({
          rule: y.h.required === true ? "response-header-made-required" : "response-header-made-optional",
          effect: y.h.required === true ? "narrows" : "widens",
          text: `header made ${y.h.required === true ? "required" : "optional"}`,
          pointer: "/required",
          action: "replace",
          before: x.h.required,
          after: y.h.required,
        });
      }
      diffSchema(x.h.schema, y.h.schema, { side: "response", emit: (c) => emit({ ...c, pointer: `/schema${c.pointer ?? ""}` }) });
    }
  }
}

function diffResponses(a: unknown, b: unknown, ctx: Ctx, operation: string): void {
  const ra = isObject(a) ? a : {};
  const rb = isObject(b) ? b : {};
  for (const status of new Set([...Object.keys(ra), ...Object.keys(rb)])) {
    const where = `response ${status}`;
    const emit = collector(ctx.out, operation, where, "response");
    const x = ra[status];
    const y = rb[status];
    if (!isObject(x) && isObject(y)) {
      emit(
        isError(status)
          ? {
              rule: "error-status-added",
              effect: "neutral",
              text: "error status added: HTTP clients already handle an undocumented error status as its class (RFC 9110 §15)",
              action: "add",
            }
          : {
              rule: "success-status-added",
              effect: "breaks",
              text: "success status added: callers that check for the documented success status take the new one for a failure",
              action: "add",
            },
      );
    } else if (isObject(x) && !isObject(y)) {
      emit(
        isError(status)
          ? { rule: "error-status-removed", effect: "neutral", text: "error status removed: consumers handle one error fewer", action: "remove" }
          : {
              rule: "success-status-removed",
              effect: "breaks",
              text: "success status removed: callers built for that outcome (its status and body) no longer get it",
              action: "remove",
            },
      );
    } else if (isObject(x) && isObject(y)) {
      docChanges(x, y, emit, keysOf(x, y));
      diffHeaders(x.headers, y.headers, ctx, operation, where);
      diffContent(x.content, y.content, ctx, operation, where, "response");
      if (!equal(x.links, y.links)) emit({ rule: "links-changed", effect: "docs", text: "links are documentation", pointer: "/links", action: "replace" });
    }
  }
}

/** The scheme names of one security requirement, as a key. */
const reqKey = (r: Json) => Object.keys(r).sort().join(" + ");
const scopes = (r: Json, name: string) => (Array.isArray(r[name]) ? (r[name] as unknown[]).map(String) : []);

/**
 * Security requirements are alternatives; each one lists schemes that must all be met, with scopes.
 * Becoming protected, losing an alternative or needing a new scope refuses callers that were allowed;
 * the opposite only lets more callers in. A scheme's definition changing (type, scheme, where the key
 * goes, OAuth URLs) breaks every caller that uses it.
 */
function diffSecurity(ctx: Ctx, oa: Operation, ob: Operation, operation: string): void {
  diffRequirements(collector(ctx.out, operation, "security", "request"), effectiveSecurity(ctx.before, oa.op) ?? [], effectiveSecurity(ctx.after, ob.op) ?? []);
  // x-grant-security (this project's extension; openapi/SOURCES.md): the requirements each value of a
  // discriminated request body takes. A value both versions name is judged like `security`; a value only
  // one names is a body that only one version accepts, which the request schema's rules judge.
  const grants = (op: Json) => {
    const ext = op[GRANT_SECURITY_KEYWORD];
    return isObject(ext) && isObject(ext.grants) ? (ext.grants as Record<string, unknown>) : {};
  };
  const ga = grants(oa.op);
  const gb = grants(ob.op);
  for (const value of Object.keys(ga).filter((v) => v in gb)) {
    const [ra, rb] = [ga[value], gb[value]];
    if (Array.isArray(ra) && Array.isArray(rb) && !equal(ra, rb))
      diffRequirements(collector(ctx.out, operation, `security of ${value} (${GRANT_SECURITY_KEYWORD})`, "request"), ra as Json[], rb as Json[]);
  }
}

/** Two lists of security requirements (alternatives), as `security` holds them. */
function diffRequirements(emit: Emit, before: Json[], after: Json[]): void {
  // Scopes are a set: their order is no change.
  const normal = (list: Json[]) =>
    list.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Array.isArray(v) ? [...v].map(String).sort() : v])));
  const sa = normal(before);
  const sb = normal(after);
  const open = (s: Json[]) => s.length === 0 || s.some((r) => Object.keys(r).length === 0);
  if (open(sa) && !open(sb))
    return emit({ rule: "security-added", effect: "narrows", text: "security added: callers without credentials are refused", action: "add", after: sb });
  if (!open(sa) && open(sb))
    return emit({
      rule: "security-removed",
      effect: "widens",
      text: "security removed: callers are no longer asked for credentials",
      action: "remove",
      before: sa,
    });
  // A caller meeting requirement r is still let in when some new requirement asks no more of it.
  const asksNoMore = (s: Json, r: Json) => Object.keys(s).every((n) => n in r && scopes(s, n).every((x) => scopes(r, n).includes(x)));
  const targets = new Set<Json>();
  for (const r of sa) {
    if (Object.keys(r).length === 0 || sb.some((s) => equal(s, r))) continue;
    const weaker = sb.find((s) => Object.keys(s).length > 0 && asksNoMore(s, r));
    if (weaker) {
      targets.add(weaker);
      emit({
        rule: "security-requirement-relaxed",
        effect: "widens",
        text: `security requirement ${reqKey(r)} asks for less (fewer schemes or scopes)`,
        action: "replace",
        before: r,
        after: weaker,
      });
      continue;
    }
    const same = sb.filter((s) => reqKey(s) === reqKey(r) && asksNoMore(r, s));
    const closest = same.sort((x, y) => Object.values(x).flat().length - Object.values(y).flat().length)[0];
    if (closest) {
      targets.add(closest);
      for (const name of Object.keys(r)) {
        const added = scopes(closest, name).filter((x) => !scopes(r, name).includes(x));
        if (added.length > 0)
          emit({
            rule: "security-scope-added",
            effect: "narrows",
            text: `${name}: scope ${added.join(", ")} now required: tokens without it are refused`,
            pointer: `/${name}`,
            action: "add",
            before: r[name],
            after: closest[name],
          });
      }
    } else
      emit({
        rule: "security-alternative-removed",
        effect: "narrows",
        text: `security requirement ${reqKey(r)} (${JSON.stringify(r)}) removed: callers that use it are refused`,
        action: "remove",
        before: r,
      });
  }
  for (const s of sb) {
    if (Object.keys(s).length > 0 && !targets.has(s) && !sa.some((r) => equal(r, s)))
      emit({
        rule: "security-alternative-added",
        effect: "widens",
        text: `security requirement ${reqKey(s)} added as an alternative`,
        action: "add",
        after: s,
      });
  }
}

function diffSecuritySchemes(ctx: Ctx): void {
  const schemes = (doc: Json) => (isObject(doc.components) && isObject(doc.components.securitySchemes) ? doc.components.securitySchemes : {}) as Json;
  const a = schemes(ctx.before);
  const b = schemes(ctx.after);
  const usedB = referencedComponents(ctx.after);
  const usedA = referencedComponents(ctx.before);
  for (const name of keysOf(a, b)) {
    const x = a[name];
    const y = b[name];
    if (equal(x, y)) continue;
    const used = usedA.has(`#/components/securitySchemes/${name}`) && usedB.has(`#/components/securitySchemes/${name}`);
    const emit = collector(ctx.out, "spec", `security scheme ${name}`, "request");
    if (!isObject(x) || !isObject(y)) {
      // Added or removed schemes are judged where operations start or stop requiring them.
      emit({
        rule: "security-scheme-defined",
        effect: "neutral",
        text: `security scheme ${!isObject(x) ? "added" : "removed"}; operations that require it are judged on their own`,
        action: !isObject(x) ? "add" : "remove",
      });
      continue;
    }
    docChanges(x, y, emit, keysOf(x, y));
    // bearerFormat is documentation (OpenAPI 3 §4.8.27); offered scopes only matter where required, judged per operation.
    const wire = (s: Json) => {
      const flows = isObject(s.flows)
        ? Object.fromEntries(
            Object.entries(s.flows).map(([k, f]) => [
              k,
              isObject(f) ? Object.fromEntries(Object.entries(f).filter(([fk]) => fk !== "scopes" && !isDocKey(fk))) : f,
            ]),
          )
        : undefined;
      return {
        type: s.type,
        scheme: typeof s.scheme === "string" ? s.scheme.toLowerCase() : s.scheme,
        in: s.in,
        name: s.name,
        openIdConnectUrl: s.openIdConnectUrl,
        flows,
      };
    };
    if (!equal(wire(x), wire(y))) {
      emit({
        rule: "security-scheme-changed",
        effect: used ? "breaks" : "neutral",
        text: used
          ? "security scheme changed (type, scheme, key location or OAuth URLs): callers using the old one are refused"
          : "security scheme changed, but no operation uses it",
        action: "replace",
        before: wire(x),
        after: wire(y),
      });
    } else if (!equal(x.flows, y.flows)) {
      emit({
        rule: "security-scheme-scopes-changed",
        effect: "neutral",
        text: "scopes the scheme offers changed; operations that require them are judged on their own",
        pointer: "/flows",
        action: "replace",
      });
    }
  }
}

function diffServers(a: unknown, b: unknown, emit: Emit): void {
  const la = Array.isArray(a) ? a.filter(isObject) : [];
  const lb = Array.isArray(b) ? b.filter(isObject) : [];
  for (const s of la) {
    const t = lb.find((x) => x.url === s.url);
    if (!t)
      emit({
        rule: "server-removed",
        effect: "breaks",
        text: `server ${String(s.url)} removed: callers configured for it are left behind`,
        action: "remove",
        before: s.url,
      });
    else if (!equal(s, t)) {
      const strip = (x: Json) => JSON.parse(JSON.stringify(x, (k, v) => (isDocKey(k) ? undefined : v)));
      emit(
        equal(strip(s), strip(t))
          ? { rule: "annotation", effect: "docs", text: "server description", action: "replace" }
          : {
              rule: "server-variables-changed",
              effect: "both",
              text: `server ${String(s.url)} variables changed`,
              action: "replace",
              before: s.variables,
              after: t.variables,
            },
      );
    }
  }
  for (const t of lb)
    if (!la.some((s) => s.url === t.url)) emit({ rule: "server-added", effect: "widens", text: `server ${String(t.url)} added`, action: "add", after: t.url });
}

function diffOperation(oa: Operation, ob: Operation, ctx: Ctx): void {
  const operation = `${ob.method.toUpperCase()} ${ob.route}`;
  const emit = collector(ctx.out, operation, "operation", "other");
  if (oa.route !== ob.route) {
    collector(
      ctx.out,
      operation,
      "path",
      "other",
    )({
      rule: "path-parameter-renamed",
      effect: "both",
      text: `path parameter renamed (${oa.route} → ${ob.route}): the URL does not change, but the generated \`paths\` key (an exported type) does`,
      action: "replace",
      before: oa.route,
      after: ob.route,
    });
  }
  for (const key of keysOf(oa.op, ob.op, oa.item, ob.item)) {
    if (!isDocKey(key)) continue;
    const x = key in oa.op || key in ob.op ? oa.op : oa.item;
    const y = key in oa.op || key in ob.op ? ob.op : ob.item;
    if (!equal(x[key], y[key]))
      collector(
        ctx.out,
        operation,
        key,
        "other",
      )({
        rule: "annotation",
        effect: "docs",
        text: `${key} is documentation`,
        action: !(key in x) ? "add" : !(key in y) ? "remove" : "replace",
        before: x[key],
        after: y[key],
      });
  }
  if (!equal(oa.op.operationId, ob.op.operationId)) {
    collector(
      ctx.out,
      operation,
      "operationId",
      "other",
    )({
      rule: "operationId-changed",
      effect: "neutral",
      text: "operationId changed: the generated `operations` key changes, not the wire",
      action: "replace",
      before: oa.op.operationId,
      after: ob.op.operationId,
    });
  }
  diffParameters(oa, ob, ctx, operation);
  diffRequestBody(oa.op.requestBody, ob.op.requestBody, ctx, operation);
  diffResponses(oa.op.responses, ob.op.responses, ctx, operation);
  diffSecurity(ctx, oa, ob, operation);
  const serversA = oa.op.servers ?? oa.item.servers;
  const serversB = ob.op.servers ?? ob.item.servers;
  if (serversA !== undefined || serversB !== undefined)
    diffServers(serversA ?? ctx.before.servers, serversB ?? ctx.after.servers, collector(ctx.out, operation, "servers", "request"));
  for (const key of keysOf(oa.op, ob.op)) {
    if (OPERATION_KEYS.has(key) || isDocKey(key) || equal(oa.op[key], ob.op[key])) continue;
    emit({ rule: "unknown-keyword", effect: "both", text: `${key} changed (no rule: judged breaking)`, pointer: `/${key}`, action: "replace" });
  }
}

const TOP_LEVEL_DOCS = new Set(["openapi", "info", "tags", "externalDocs", "jsonSchemaDialect"]);

/** Compares two bundled (not dereferenced) specs and classifies every change. */
export function classifyChanges(before: Json, after: Json): Change[] {
  const a = dereference(before);
  const b = dereference(after);
  const ctx: Ctx = { out: [], before: a, after: b };
  const opsA = operations(a);
  const opsB = operations(b);
  for (const key of new Set([...opsA.keys(), ...opsB.keys()])) {
    const x = opsA.get(key);
    const y = opsB.get(key);
    if (x && y) diffOperation(x, y, ctx);
    else {
      const o = (x ?? y)!;
      collector(
        ctx.out,
        `${o.method.toUpperCase()} ${o.route}`,
        "operation",
        "other",
      )(
        x
          ? { rule: "operation-removed", effect: "both", text: "operation removed", action: "remove" }
          : { rule: "operation-added", effect: "neutral", text: "operation added", action: "add" },
      );
    }
  }
  diffSecuritySchemes(ctx);
  if (!equal(a.servers, b.servers)) diffServers(a.servers, b.servers, collector(ctx.out, "spec", "servers", "request"));
  for (const key of keysOf(a, b)) {
    if (key === "paths" || key === "servers" || key === "security" || key === "components" || equal(a[key], b[key])) continue;
    const emit = collector(ctx.out, "spec", key, "other");
    if (TOP_LEVEL_DOCS.has(key) || isDocKey(key)) emit({ rule: "annotation", effect: "docs", text: `${key} is documentation`, action: "replace" });
    else emit({ rule: "unknown-keyword", effect: "both", text: `${key} changed (no rule: judged breaking)`, action: "replace" });
  }
  diffUnusedComponents(before, after, ctx);
  return finish(ctx.out);
}

/** A component no operation uses changes no request or response (its generated type does; the compile below sees that). */
function diffUnusedComponents(before: Json, after: Json, ctx: Ctx): void {
  const used = new Set([...referencedComponents(before), ...referencedComponents(after)]);
  const comps = (d: Json) => (isObject(d.components) ? d.components : {});
  const ca = comps(before);
  const cb = comps(after);
  for (const kind of keysOf(ca, cb)) {
    if (kind === "securitySchemes") continue;
    const ka = isObject(ca[kind]) ? (ca[kind] as Json) : {};
    const kb = isObject(cb[kind]) ? (cb[kind] as Json) : {};
    for (const name of keysOf(ka, kb)) {
      if (used.has(`#/components/${kind}/${name}`) || equal(ka[name], kb[name])) continue;
      const strip = (x: unknown) => JSON.parse(JSON.stringify(x ?? null, (k, v) => (isDocKey(k) ? undefined : v)));
      const docsOnly = name in ka && name in kb && equal(strip(ka[name]), strip(kb[name]));
      collector(
        ctx.out,
        "spec",
        `components/${kind}/${name}`,
        "other",
      )(
        docsOnly
          ? { rule: "annotation", effect: "docs", text: "documentation", action: "replace" }
          : {
              rule: "unused-component-changed",
              effect: "neutral",
              text: "component used by no operation: the wire does not change (its generated type does)",
              action: !(name in ka) ? "add" : !(name in kb) ? "remove" : "replace",
            },
      );
    }
  }
}

function finish(changes: Change[]): Change[] {
  const seen = new Set<string>();
  const order: Record<Kind, number> = { breaking: 0, compatible: 1, "documentation-only": 2 };
  return changes
    .filter((c) => {
      const key = [c.kind, c.operation, c.where, c.pointer, c.rule].join("\u0000");
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((x, y) => order[x.kind] - order[y.kind]);
}

/** The classification the CLI reports: breaking when any change is. */
export function overallKind(changes: readonly Change[]): Kind | "none" {
  if (changes.some((c) => c.kind === "breaking")) return "breaking";
  if (changes.some((c) => c.kind === "compatible")) return "compatible";
  if (changes.length > 0) return "documentation-only";
  return "none";
}
