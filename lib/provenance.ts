// Provenance of the spec's rules at run time (x-source / x-curated, this project's OpenAPI extensions): where the rule at a pointer comes from.
// Pure functions over the bundled spec; the suite and the generator read them here, scripts/provenance.ts lints the spec with them.
import { escapePointerToken, pointerTokens, resolvePointer } from "./json-pointer.ts";

/** The OpenAPI extensions that carry provenance; Ajv in strict mode must know them as annotation keywords. */
export const PROVENANCE_KEYWORDS = ["x-source", "x-curated"] as const;

type Json = Record<string, unknown>;

export interface Provenance {
  /** JSON pointer of the annotated node, after following `$ref`s (e.g. `/components/schemas/AccessToken/properties/expires_in`). */
  pointer: string;
  /** `x-source`: the Dintero pages that document the rule (empty when the rule is this project's alone). */
  sources: string[];
  /** `x-curated`: why this project adds or narrows the rule. */
  curated?: string;
}

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** A local `$ref`'s target and its pointer (without the `#`), or undefined. */
function resolveRef(spec: Json, ref: string): { node: unknown; pointer: string } | undefined {
  if (!ref.startsWith("#/")) return undefined;
  const node = resolvePointer(spec, ref);
  return node === undefined ? undefined : { node, pointer: ref.slice(1) };
}

function annotationOf(node: unknown, pointer: string): Provenance | undefined {
  if (!isObject(node) || !("x-source" in node || "x-curated" in node)) return undefined;
  const raw = node["x-source"];
  const sources = raw === undefined ? [] : Array.isArray(raw) ? raw.map(String) : [String(raw)];
  const curated = node["x-curated"];
  return curated === undefined ? { pointer, sources } : { pointer, sources, curated: String(curated) };
}

/**
 * Every annotated node met on the way down to `pointer` (a JSON pointer, with or without a leading
 * `#`), outermost first. `$ref`s met on the way are followed, so a pointer through an operation's
 * response reaches the component it references, and an Ajv `schemaPath` appended to the pointer of
 * the schema it validated against works too. Undefined when the pointer does not resolve.
 */
function annotationsAlong(spec: Json, pointer: string): Provenance[] | undefined {
  const segments = pointerTokens(pointer);
  if (segments === undefined) return undefined;
  let node: unknown = spec;
  let at = "";
  const found: Provenance[] = [];
  const note = () => {
    const a = annotationOf(node, at);
    if (a) found.push(a);
  };
  note();
  const follow = () => {
    for (let hops = 0; isObject(node) && typeof node.$ref === "string" && hops < 32; hops++) {
      const target = resolveRef(spec, node.$ref);
      if (!target) return false;
      node = target.node;
      at = target.pointer;
      note();
    }
    return true;
  };
  if (!follow()) return undefined;
  for (const seg of segments) {
    if (!isObject(node) && !Array.isArray(node)) return undefined;
    node = (node as Json)[seg];
    if (node === undefined) return undefined;
    at = `${at}/${escapePointerToken(seg)}`;
    note();
    if (!follow()) return undefined;
  }
  return found;
}

/**
 * The provenance of the rule at `pointer`: the nearest node on the way down that carries x-source or
 * x-curated. Undefined when the pointer does not resolve or nothing on its way is annotated.
 */
export function provenanceAt(spec: Json, pointer: string): Provenance | undefined {
  return annotationsAlong(spec, pointer)?.at(-1);
}

/**
 * The first node on the way down to `pointer` that is this project's rule alone (x-curated and no
 * x-source), if any: everything below it exists in the spec only by our decision (e.g. the login's
 * curated 429 and the Retry-After it carries), so a finding there must not pass for Dintero's contract.
 */
export function curatedOnlyAlong(spec: Json, pointer: string): Provenance | undefined {
  return annotationsAlong(spec, pointer)?.find((a) => a.sources.length === 0 && a.curated !== undefined);
}
