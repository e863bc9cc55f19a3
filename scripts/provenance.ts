// Provenance lint of the spec: which nodes must say where their rule comes from (x-source / x-curated), and whether they do.
// Pure functions over the bundled spec (generated/openapi.json); the suite reads the run-time half from lib/provenance.ts.
import { escapePointerToken } from "../lib/json-pointer.ts";

// The run-time half (which keywords, where a pointer's rule comes from) is lib/provenance.ts, kept exported here.
export { curatedOnlyAlong, PROVENANCE_KEYWORDS, provenanceAt, type Provenance } from "../lib/provenance.ts";

type Json = Record<string, unknown>;

export interface ProvenanceProblem {
  pointer: string;
  problem: string;
}

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const COMPONENT_KINDS = ["schemas", "parameters", "requestBodies", "responses", "headers", "securitySchemes"];

export const escapePointer = escapePointerToken;

/** One sentence: no line break, ends with a full stop, and no second sentence after a full stop. */
function isOneSentence(text: string): boolean {
  return text.trim() === text && text.length >= 10 && !/\n/.test(text) && /[.]$/.test(text) && !/[.!?]\s+[A-Z]/.test(text.slice(0, -1));
}

function checkAnnotation(node: Json, pointer: string, allowedSources: readonly string[] | undefined, out: ProvenanceProblem[]): void {
  const source = node["x-source"];
  const curated = node["x-curated"];
  if (source === undefined && curated === undefined) {
    out.push({ pointer, problem: "has neither x-source nor x-curated" });
    return;
  }
  if (source !== undefined) {
    const urls = Array.isArray(source) ? source : [source];
    if (urls.length === 0) out.push({ pointer, problem: "x-source is an empty list" });
    for (const url of urls) {
      if (typeof url !== "string" || !/^https:\/\/[^\s/]+\.[^\s/]+\/\S*$/.test(url))
        out.push({ pointer, problem: `x-source ${JSON.stringify(url)} is not an https URL` });
      else if (allowedSources && !allowedSources.includes(url)) out.push({ pointer, problem: `x-source ${url} is not one of the listed sources` });
    }
  }
  if (curated !== undefined && (typeof curated !== "string" || !isOneSentence(curated))) {
    out.push({ pointer, problem: `x-curated must be one sentence ending with a full stop, got ${JSON.stringify(curated)}` });
  }
}

/**
 * Every node of the bundled spec that must carry provenance and does not (or carries a malformed
 * one), by JSON pointer. Must carry it: each operation; each component (schemas, parameters,
 * request bodies, responses, headers, security schemes); each inline parameter, request body,
 * response and header; each schema property at any depth and each inline allOf/anyOf/oneOf
 * branch. A `$ref` is covered by its target. `allowedSources`, if given, lists the only URLs
 * an x-source may name.
 */
export function provenanceProblems(spec: Json, allowedSources?: readonly string[]): ProvenanceProblem[] {
  const out: ProvenanceProblem[] = [];
  const must = (node: unknown, pointer: string) => {
    if (isObject(node) && typeof node.$ref !== "string") checkAnnotation(node, pointer, allowedSources, out);
  };

  const walkSchema = (schema: unknown, pointer: string): void => {
    if (!isObject(schema) || typeof schema.$ref === "string") return;
    for (const [name, prop] of Object.entries(isObject(schema.properties) ? schema.properties : {})) {
      const at = `${pointer}/properties/${escapePointer(name)}`;
      must(prop, at);
      walkSchema(prop, at);
    }
    for (const kind of ["allOf", "anyOf", "oneOf"]) {
      const branches = schema[kind];
      if (!Array.isArray(branches)) continue;
      branches.forEach((branch, i) => {
        must(branch, `${pointer}/${kind}/${i}`);
        walkSchema(branch, `${pointer}/${kind}/${i}`);
      });
    }
    for (const key of ["items", "additionalProperties", "unevaluatedProperties", "not", "if", "then", "else", "contains", "propertyNames"]) {
      walkSchema(schema[key], `${pointer}/${key}`);
    }
    if (Array.isArray(schema.prefixItems)) schema.prefixItems.forEach((s, i) => walkSchema(s, `${pointer}/prefixItems/${i}`));
    for (const key of ["patternProperties", "$defs", "dependentSchemas"]) {
      if (isObject(schema[key])) for (const [k, s] of Object.entries(schema[key])) walkSchema(s, `${pointer}/${key}/${escapePointer(k)}`);
    }
  };
  const walkContent = (holder: unknown, pointer: string) => {
    if (!isObject(holder) || !isObject(holder.content)) return;
    for (const [type, media] of Object.entries(holder.content)) {
      if (isObject(media)) walkSchema(media.schema, `${pointer}/content/${escapePointer(type)}/schema`);
    }
  };
  const walkHeaders = (response: unknown, pointer: string) => {
    if (!isObject(response) || !isObject(response.headers)) return;
    for (const [name, header] of Object.entries(response.headers)) {
      const at = `${pointer}/headers/${escapePointer(name)}`;
      must(header, at);
      if (isObject(header)) walkSchema(header.schema, `${at}/schema`);
    }
  };
  const walkParameter = (param: unknown, pointer: string) => {
    must(param, pointer);
    if (isObject(param)) walkSchema(param.schema, `${pointer}/schema`);
  };
  const walkResponse = (response: unknown, pointer: string) => {
    must(response, pointer);
    if (isObject(response) && typeof response.$ref !== "string") {
      walkHeaders(response, pointer);
      walkContent(response, pointer);
    }
  };

  for (const [p, item] of Object.entries(isObject(spec.paths) ? spec.paths : {})) {
    if (!isObject(item)) continue;
    const itemAt = `/paths/${escapePointer(p)}`;
    if (Array.isArray(item.parameters)) item.parameters.forEach((param, i) => walkParameter(param, `${itemAt}/parameters/${i}`));
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      const opAt = `${itemAt}/${method}`;
      must(op, opAt);
      if (Array.isArray(op.parameters)) op.parameters.forEach((param, i) => walkParameter(param, `${opAt}/parameters/${i}`));
      if (op.requestBody !== undefined) {
        must(op.requestBody, `${opAt}/requestBody`);
        if (isObject(op.requestBody) && typeof op.requestBody.$ref !== "string") walkContent(op.requestBody, `${opAt}/requestBody`);
      }
      for (const [status, response] of Object.entries(isObject(op.responses) ? op.responses : {}))
        walkResponse(response, `${opAt}/responses/${escapePointer(status)}`);
    }
  }

  const components = isObject(spec.components) ? spec.components : {};
  for (const kind of COMPONENT_KINDS) {
    for (const [name, node] of Object.entries(isObject(components[kind]) ? components[kind] : {})) {
      const at = `/components/${kind}/${escapePointer(name)}`;
      if (kind === "schemas") {
        must(node, at);
        walkSchema(node, at);
      } else if (kind === "parameters") walkParameter(node, at);
      else if (kind === "responses") walkResponse(node, at);
      else if (kind === "headers") {
        must(node, at);
        if (isObject(node)) walkSchema(node.schema, `${at}/schema`);
      } else if (kind === "requestBodies") {
        must(node, at);
        walkContent(node, at);
      } else must(node, at);
    }
  }
  return out;
}

/** The https URLs in the "Sources" table of openapi/SOURCES.md: the only pages an x-source may name. */
export function listedSources(sourcesMarkdown: string): string[] {
  const section = sourcesMarkdown.split(/^## /m).find((s) => s.startsWith("Sources"));
  if (!section) return [];
  return [...section.matchAll(/^\|[^|\n]*\|[^|\n]*\|\s*(https:\/\/\S+)\s*\|$/gm)].map((m) => m[1]!);
}
