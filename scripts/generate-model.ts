// The one operations model of the spec (generated/operations.json + its types, generated/operations.d.ts):
// every operation with its path, parameters, security, request and documented responses, each status
// with its RFC meaning, schemas dereferenced, examples and provenance. Plain data: the client, the suite,
// the fake and the tools read the spec through it, and nobody walks the OpenAPI document by hand.
import { HEADER } from "./generate-types.ts";
import { PROVENANCE_KEYWORDS } from "../lib/provenance.ts";

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;
const escapePointer = (key: string) => key.replaceAll("~", "~0").replaceAll("/", "~1");
const unescapePointer = (seg: string) => seg.replaceAll("~1", "/").replaceAll("~0", "~");

/** The OpenAPI extension naming an operation's role: this project's stable key for it (`login`, `token`). */
export const ROLE_KEYWORD = "x-role";
/**
 * The OpenAPI extension stating which security requirement each branch of a discriminated request body
 * takes (`{ grants: { <discriminator value>: [<requirement>, …] } }`, each requirement as in `security`):
 * OpenAPI states security per operation only (openapi/SOURCES.md, "The session after login").
 */
export const GRANT_SECURITY_KEYWORD = "x-grant-security";

/**
 * What a documented status means, by the standard that defines it: a closed vocabulary, derived from
 * the status code alone (never listed per operation), so a newly documented status gets its meaning
 * with no code change. `[meaning, reference]` by status code; classes and `default` below.
 */
const MEANING_BY_CODE: Record<number, readonly [StatusMeaning, string]> = {
  400: ["invalid_request", "RFC 9110 §15.5.1 Bad Request"],
  401: ["auth_refusal", "RFC 9110 §15.5.2 Unauthorized"],
  403: ["forbidden", "RFC 9110 §15.5.4 Forbidden"],
  404: ["not_found", "RFC 9110 §15.5.5 Not Found"],
  405: ["method_not_allowed", "RFC 9110 §15.5.6 Method Not Allowed"],
  406: ["not_acceptable", "RFC 9110 §15.5.7 Not Acceptable"],
  408: ["timeout", "RFC 9110 §15.5.9 Request Timeout"],
  409: ["conflict", "RFC 9110 §15.5.10 Conflict"],
  410: ["not_found", "RFC 9110 §15.5.11 Gone"],
  412: ["conflict", "RFC 9110 §15.5.13 Precondition Failed"],
  413: ["too_large", "RFC 9110 §15.5.14 Content Too Large"],
  414: ["too_large", "RFC 9110 §15.5.15 URI Too Long"],
  415: ["unsupported_media_type", "RFC 9110 §15.5.16 Unsupported Media Type"],
  422: ["invalid_request", "RFC 9110 §15.5.21 Unprocessable Content"],
  428: ["conflict", "RFC 6585 §3 Precondition Required"],
  429: ["rate_limit", "RFC 6585 §4 Too Many Requests"],
  431: ["too_large", "RFC 6585 §5 Request Header Fields Too Large"],
  503: ["unavailable", "RFC 9110 §15.6.4 Service Unavailable"],
  504: ["timeout", "RFC 9110 §15.6.5 Gateway Timeout"],
};

export const STATUS_MEANING_VOCABULARY = [
  "informational",
  "success",
  "redirection",
  "invalid_request",
  "auth_refusal",
  "forbidden",
  "not_found",
  "method_not_allowed",
  "not_acceptable",
  "timeout",
  "conflict",
  "too_large",
  "unsupported_media_type",
  "rate_limit",
  "client_error",
  "unavailable",
  "server_error",
  "unspecified",
] as const;
export type StatusMeaning = (typeof STATUS_MEANING_VOCABULARY)[number];

const CLASS_MEANING: Record<string, readonly [StatusMeaning, string]> = {
  "1": ["informational", "RFC 9110 §15.2 Informational 1xx"],
  "2": ["success", "RFC 9110 §15.3 Successful 2xx"],
  "3": ["redirection", "RFC 9110 §15.4 Redirection 3xx"],
  "4": ["client_error", "RFC 9110 §15.5 Client Error 4xx"],
  "5": ["server_error", "RFC 9110 §15.6 Server Error 5xx"],
};

/** The meaning of a status key as the spec writes it (`"422"`, `"4XX"`, `"default"`). */
export function meaningOfStatus(status: string): { meaning: StatusMeaning; reference: string } {
  if (status === "default") return { meaning: "unspecified", reference: "OpenAPI 3.1 §4.8.16 (default response)" };
  const code = /^\d{3}$/.test(status) ? Number(status) : undefined;
  const exact = code === undefined ? undefined : MEANING_BY_CODE[code];
  const byClass = CLASS_MEANING[status[0] ?? ""];
  const [meaning, reference] = exact ?? byClass ?? ["unspecified", "not an HTTP status"];
  return { meaning, reference };
}

function meaningVocabulary(): OperationsModel["meanings"] {
  const out = Object.fromEntries(
    STATUS_MEANING_VOCABULARY.map((m) => [m, { codes: [] as number[], references: [] as string[] }]),
  ) as OperationsModel["meanings"];
  for (const [code, [meaning, reference]] of Object.entries(MEANING_BY_CODE)) {
    out[meaning].codes.push(Number(code));
    out[meaning].references.push(reference);
  }
  for (const [digit, [meaning, reference]] of Object.entries(CLASS_MEANING)) out[meaning].references.push(`${reference} (any ${digit}xx not listed)`);
  out.unspecified.references.push("OpenAPI 3.1 §4.8.16 (default response)");
  return out;
}

export interface Provenance {
  /** JSON pointer of the annotated node in generated/openapi.json, after following `$ref`s. */
  pointer: string;
  /** `x-source`: the Dintero pages that document it (empty when it is this project's rule alone). */
  sources: string[];
  /** `x-curated`: why this project adds or narrows it. */
  curated?: string;
}

/** Dereferences local `$ref`s while recording the provenance of every annotated node it passes. */
class Reader {
  readonly seen = new Map<string, Provenance>();
  constructor(private readonly doc: Json) {}

  private at(pointer: string): unknown {
    let node: unknown = this.doc;
    for (const seg of pointer.split("/").slice(1)) {
      if (!isObject(node) && !Array.isArray(node)) return undefined;
      node = (node as Json)[unescapePointer(seg)];
    }
    return node;
  }

  /** Follows `$ref`s: the node and its pointer (sibling keys of a `$ref` are ignored, as OpenAPI 3.0 did). */
  resolve(node: unknown, pointer: string): { node: Json; pointer: string } {
    let current = node;
    let at = pointer;
    for (let hops = 0; isObject(current) && typeof current.$ref === "string"; hops++) {
      const ref = current.$ref;
      if (!ref.startsWith("#/")) throw new Error(`${at}: only local $refs are supported, got ${ref}`);
      if (hops > 32) throw new Error(`${at}: $ref chain too long at ${ref}`);
      at = ref.slice(1);
      current = this.at(at);
      if (current === undefined) throw new Error(`${pointer}: unresolvable $ref ${ref}`);
    }
    if (!isObject(current)) throw new Error(`${at}: expected an object`);
    this.note(current, at);
    return { node: current, pointer: at };
  }

  note(node: Json, pointer: string): Provenance | undefined {
    if (!("x-source" in node || "x-curated" in node)) return undefined;
    const raw = node["x-source"];
    const sources = raw === undefined ? [] : Array.isArray(raw) ? raw.map(String) : [String(raw)];
    const p: Provenance = node["x-curated"] === undefined ? { pointer, sources } : { pointer, sources, curated: String(node["x-curated"]) };
    if (!this.seen.has(pointer)) this.seen.set(pointer, p);
    return p;
  }

  /** A copy with every `$ref` inlined (siblings kept), noting provenance on the way; a cycle is an error. */
  deref(node: unknown, pointer: string, stack: string[] = []): unknown {
    if (Array.isArray(node)) return node.map((item, i) => this.deref(item, `${pointer}/${i}`, stack));
    if (!isObject(node)) return node;
    if (typeof node.$ref === "string") {
      const { $ref, ...siblings } = node;
      if (stack.includes($ref)) throw new Error(`${pointer}: recursive $ref ${$ref}`);
      const target = this.resolve({ $ref }, pointer);
      const inlined = this.deref(target.node, target.pointer, [...stack, $ref]) as Json;
      return { ...inlined, ...(this.deref(siblings, pointer, stack) as Json) };
    }
    this.note(node, pointer);
    const out: Json = {};
    for (const [k, v] of Object.entries(node)) out[k] = this.deref(v, `${pointer}/${escapePointer(k)}`, stack);
    return out;
  }
}

export interface ServerModel {
  url: string;
  /** The URL's path (`/v1`): the base path every operation path is served under. */
  basePath: string;
  description?: string;
}

export interface ParameterModel {
  name: string;
  in: string;
  required: boolean;
  schema: Json;
  example?: unknown;
  pointer: string;
}

export interface SecurityModel {
  /** The security scheme's name in components.securitySchemes. */
  name: string;
  type: string;
  /** For `type: http`: `bearer`, `basic`. */
  scheme?: string;
  bearerFormat?: string;
  /** The scopes this alternative requires (each entry of `security` is one alternative). */
  scopes: string[];
  pointer: string;
}

export interface MediaModel {
  mediaType: string;
  schema?: Json;
  /** The component schema the media type's schema is a `$ref` to, if it is one (`AccessToken`). */
  schemaName: string | null;
  /** Named examples' values (`examples`), or `{ example: value }` for a single `example`. */
  examples: Record<string, unknown>;
  /** For a request body whose schema is a `oneOf` with a `discriminator`: its branches, by the values that select them. */
  discriminator?: DiscriminatorModel;
}

export interface DiscriminatorModel {
  /** The property whose value selects the branch (`grant_type`). */
  propertyName: string;
  /** One per `oneOf` branch, in the spec's order. */
  variants: VariantModel[];
}

export interface VariantModel {
  /** Every value of the property that selects this branch (`["mfa_oob", "mfa-oob"]`): the mapping's, else the branch's enum. */
  values: string[];
  /** The component schema of the branch (`RefreshTokenRequest`), or null for an inline branch. */
  schemaName: string | null;
  /** JSON pointer of the branch's schema in generated/openapi.json. */
  pointer: string;
  /** The branch's schema, dereferenced. */
  schema: Json;
  /** The media type's named examples whose property value selects this branch. */
  examples: Record<string, unknown>;
  /** The security alternatives this branch takes: the operation's `x-grant-security` for its values, else the operation's own. */
  security: SecurityModel[];
}

export interface HeaderModel {
  /** As the spec spells it. */
  name: string;
  required: boolean;
  schema?: Json;
  example?: unknown;
  pointer: string;
}

export interface ResponseModel {
  /** As the spec writes it: `"200"`, `"4XX"`, `"default"`. */
  status: string;
  /** The status code, or null for a class or `default`. */
  code: number | null;
  meaning: StatusMeaning;
  /** The RFC section that gives the meaning. */
  reference: string;
  description: string;
  /** The response's own node (a component when the operation `$ref`s one). */
  pointer: string;
  content: MediaModel[];
  headers: HeaderModel[];
}

export interface OperationModel {
  /** This project's stable key for the operation (`x-role` in openapi/login.yaml). */
  role: string;
  operationId: string;
  method: string;
  pathTemplate: string;
  /** JSON pointer of the operation in generated/openapi.json. */
  pointer: string;
  summary?: string;
  /** The operation's servers (its own, else the document's). */
  servers: ServerModel[];
  /** Every method the spec documents on this path, upper case. */
  methodsOnPath: string[];
  parameters: ParameterModel[];
  /** Alternatives: any one of them authorizes the request. */
  security: SecurityModel[];
  request: { required: boolean; pointer: string; content: MediaModel[] } | null;
  responses: ResponseModel[];
  /** Every annotated node this operation's model was read from, by pointer. */
  provenance: Provenance[];
}

export interface OperationsModel {
  servers: ServerModel[];
  /** The closed vocabulary of status meanings: the codes each is given by, and the RFC sections. */
  meanings: Record<StatusMeaning, { codes: number[]; references: string[] }>;
  /** Every `x-` extension keyword the spec uses: annotations for a strict Ajv. */
  extensionKeywords: string[];
  provenanceKeywords: string[];
  operations: Record<string, OperationModel>;
}

function serverModels(servers: unknown, where: string): ServerModel[] {
  if (!Array.isArray(servers)) return [];
  return servers.map((server, i) => {
    if (!isObject(server) || typeof server.url !== "string") throw new Error(`${where}/servers/${i}: a server needs a url`);
    const basePath = new URL(server.url, "https://relative.invalid").pathname.replace(/\/$/, "");
    return { url: server.url, basePath, ...(typeof server.description === "string" ? { description: server.description } : {}) };
  });
}

/**
 * The branches of a `oneOf` with a `discriminator` (OpenAPI 3.1 §4.8.25): the values that select each one
 * (the mapping's; for a branch the mapping does not name, its property's `enum`/`const`, else its schema's
 * name), checked against the branch's own schema of the property, so the two cannot drift apart.
 */
function discriminatorModel(
  reader: Reader,
  schemaNode: unknown,
  at: string,
  examples: Record<string, unknown>,
  securityOf: (values: string[], where: string) => SecurityModel[],
): DiscriminatorModel | undefined {
  if (!isObject(schemaNode)) return undefined;
  const { node, pointer } = reader.resolve(schemaNode, at);
  const d = node.discriminator;
  if (!isObject(d) || !Array.isArray(node.oneOf)) return undefined;
  const propertyName = String(d.propertyName);
  const mapping = isObject(d.mapping) ? (d.mapping as Record<string, string>) : {};
  const variants = node.oneOf.map((branch, i): VariantModel => {
    const ref = isObject(branch) && typeof branch.$ref === "string" ? branch.$ref : undefined;
    const resolved = reader.resolve(branch, `${pointer}/oneOf/${i}`);
    const schema = reader.deref(branch, `${pointer}/oneOf/${i}`) as Json;
    const schemaName = ref?.startsWith("#/components/schemas/") ? unescapePointer(ref.slice("#/components/schemas/".length)) : null;
    const property = isObject(schema.properties) && isObject(schema.properties[propertyName]) ? (schema.properties[propertyName] as Json) : {};
    const own = Array.isArray(property.enum) ? property.enum.map(String) : "const" in property ? [String(property.const)] : undefined;
    const mapped = Object.entries(mapping)
      .filter(([, target]) => target === ref)
      .map(([value]) => value);
    const values = mapped.length ? mapped : (own ?? (schemaName ? [schemaName] : []));
    const where = `${pointer}/oneOf/${i}`;
    if (!values.length) throw new Error(`${where}: no ${propertyName} value selects this branch (add it to the discriminator's mapping)`);
    if (own && (own.length !== values.length || own.some((v) => !values.includes(v))))
      throw new Error(`${where}: the mapping selects it by ${values.join(", ")} but its ${propertyName} allows ${own.join(", ")}`);
    return {
      values,
      schemaName,
      pointer: resolved.pointer,
      schema,
      examples: Object.fromEntries(Object.entries(examples).filter(([, ex]) => isObject(ex) && values.includes(String(ex[propertyName])))),
      security: securityOf(values, where),
    };
  });
  for (const [value, target] of Object.entries(mapping))
    if (!variants.some((v) => v.values.includes(value))) throw new Error(`${pointer}/discriminator: mapping ${value} → ${target} is not a branch of the oneOf`);
  return { propertyName, variants };
}

function mediaModels(reader: Reader, holder: Json, pointer: string, securityOf?: (values: string[], where: string) => SecurityModel[]): MediaModel[] {
  const content = isObject(holder.content) ? holder.content : {};
  return Object.entries(content).map(([mediaType, raw]) => {
    const at = `${pointer}/content/${escapePointer(mediaType)}`;
    const media = isObject(raw) ? raw : {};
    const ref = isObject(media.schema) ? media.schema.$ref : undefined;
    const examples: Record<string, unknown> = {};
    if (isObject(media.examples)) {
      for (const [name, ex] of Object.entries(media.examples)) examples[name] = reader.resolve(ex, `${at}/examples/${escapePointer(name)}`).node.value;
    } else if ("example" in media) examples.example = media.example;
    const discriminator = securityOf ? discriminatorModel(reader, media.schema, `${at}/schema`, examples, securityOf) : undefined;
    return {
      mediaType: mediaType.toLowerCase(),
      ...(media.schema === undefined ? {} : { schema: reader.deref(media.schema, `${at}/schema`) as Json }),
      schemaName: typeof ref === "string" && ref.startsWith("#/components/schemas/") ? unescapePointer(ref.slice("#/components/schemas/".length)) : null,
      examples,
      ...(discriminator ? { discriminator } : {}),
    };
  });
}

function extensionKeywordsOf(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const n of node) extensionKeywordsOf(n, out);
  else if (isObject(node)) {
    for (const [k, v] of Object.entries(node)) {
      if (k.startsWith("x-")) out.add(k);
      extensionKeywordsOf(v, out);
    }
  }
  return out;
}

/** The operations model of a bundled spec (generated/openapi.json). Refuses an operation without `x-role`. */
export function buildOperationsModel(doc: Json): OperationsModel {
  const documentServers = serverModels(doc.servers, "");
  const schemes = isObject(doc.components) && isObject(doc.components.securitySchemes) ? doc.components.securitySchemes : {};
  const operations: Record<string, OperationModel> = {};
  for (const [pathTemplate, rawItem] of Object.entries(isObject(doc.paths) ? doc.paths : {})) {
    const itemPointer = `/paths/${escapePointer(pathTemplate)}`;
    const probe = new Reader(doc);
    const item = probe.resolve(rawItem, itemPointer).node;
    const methodsOnPath = HTTP_METHODS.filter((m) => isObject(item[m])).map((m) => m.toUpperCase());
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      const reader = new Reader(doc);
      const pointer = `${itemPointer}/${method}`;
      reader.note(op, pointer);
      const operationId = typeof op.operationId === "string" ? op.operationId : undefined;
      const role = op[ROLE_KEYWORD];
      if (!operationId) throw new Error(`${method.toUpperCase()} ${pathTemplate} has no operationId`);
      if (typeof role !== "string" || !/^[a-z][a-z0-9_]*$/.test(role)) {
        throw new Error(
          `${operationId} has no ${ROLE_KEYWORD} (a lower-case key such as \`login\`): add one in openapi/login.yaml so that code can name the operation`,
        );
      }
      if (operations[role]) throw new Error(`${operationId} and ${operations[role]!.operationId} share ${ROLE_KEYWORD} ${role}`);

      // Path-item parameters apply unless the operation overrides them (same name and location).
      const parameters = new Map<string, ParameterModel>();
      const readParameters = (list: unknown, at: string) => {
        if (!Array.isArray(list)) return;
        list.forEach((raw, i) => {
          const { node, pointer: p } = reader.resolve(raw, `${at}/parameters/${i}`);
          const name = String(node.name);
          parameters.set(`${node.in}:${name}`, {
            name,
            in: String(node.in),
            required: node.required === true,
            schema: reader.deref(node.schema ?? {}, `${p}/schema`) as Json,
            ...("example" in node ? { example: node.example } : isObject(node.schema) && "example" in node.schema ? { example: node.schema.example } : {}),
            pointer: p,
          });
        });
      };
      readParameters(item.parameters, itemPointer);
      readParameters(op.parameters, pointer);

      /** Security requirements (each entry one alternative) as the model's SecurityModels. */
      const securityModels = (requirements: unknown[]): SecurityModel[] => {
        const out: SecurityModel[] = [];
        for (const requirement of requirements) {
          if (!isObject(requirement)) continue;
          for (const [name, scopes] of Object.entries(requirement)) {
            const schemePointer = `/components/securitySchemes/${escapePointer(name)}`;
            const scheme = reader.resolve(schemes[name] ?? { $ref: `#${schemePointer}` }, schemePointer);
            out.push({
              name,
              type: String(scheme.node.type),
              ...(typeof scheme.node.scheme === "string" ? { scheme: scheme.node.scheme.toLowerCase() } : {}),
              ...(typeof scheme.node.bearerFormat === "string" ? { bearerFormat: scheme.node.bearerFormat } : {}),
              scopes: Array.isArray(scopes) ? scopes.map(String) : [],
              pointer: scheme.pointer,
            });
          }
        }
        return out;
      };
      const security = securityModels(Array.isArray(op.security) ? op.security : Array.isArray(doc.security) ? doc.security : []);

      // Per-branch security (x-grant-security): every value it names selects a branch, every branch's
      // values are named, and every scheme it names is one of the operation's, so OpenAPI tools that
      // read only `security` see each scheme a branch takes.
      const grantSecurity = op[GRANT_SECURITY_KEYWORD];
      const grantPointer = `${pointer}/${escapePointer(GRANT_SECURITY_KEYWORD)}`;
      const grants = isObject(grantSecurity) && isObject(grantSecurity.grants) ? (grantSecurity.grants as Record<string, unknown>) : undefined;
      if (grantSecurity !== undefined) {
        if (!grants) throw new Error(`${operationId}: ${GRANT_SECURITY_KEYWORD} needs \`grants\` (discriminator value → security requirements)`);
        reader.note(grantSecurity as Json, grantPointer);
      }
      const namedGrants = new Set<string>();
      const securityOf = (values: string[], where: string): SecurityModel[] => {
        if (!grants) return security;
        const lists = values.map((v) => {
          const requirements = grants[v];
          if (!Array.isArray(requirements)) throw new Error(`${operationId}: ${GRANT_SECURITY_KEYWORD} names no security for ${v} (${where})`);
          namedGrants.add(v);
          for (const name of requirements.flatMap((r) => (isObject(r) ? Object.keys(r) : [])))
            if (!security.some((s) => s.name === name))
              throw new Error(`${operationId}: ${GRANT_SECURITY_KEYWORD} gives ${v} the scheme ${name}, which the operation's security does not list`);
          return securityModels(requirements);
        });
        if (lists.some((l) => JSON.stringify(l) !== JSON.stringify(lists[0])))
          throw new Error(`${operationId}: ${GRANT_SECURITY_KEYWORD} gives the values of one branch (${values.join(", ")}) different security`);
        return lists[0] ?? [];
      };

      let request: OperationModel["request"] = null;
      if (op.requestBody !== undefined) {
        const body = reader.resolve(op.requestBody, `${pointer}/requestBody`);
        request = { required: body.node.required === true, pointer: body.pointer, content: mediaModels(reader, body.node, body.pointer, securityOf) };
      }
      if (grants) {
        const unknown = Object.keys(grants).filter((v) => !namedGrants.has(v));
        if (unknown.length || !request?.content.some((m) => m.discriminator))
          throw new Error(`${operationId}: ${GRANT_SECURITY_KEYWORD} names ${unknown.join(", ") || "grants"}, which no discriminated request body branch has`);
      }

      const responses: ResponseModel[] = [];
      for (const [status, raw] of Object.entries(isObject(op.responses) ? op.responses : {})) {
        const response = reader.resolve(raw, `${pointer}/responses/${escapePointer(status)}`);
        const headers: HeaderModel[] = Object.entries(isObject(response.node.headers) ? response.node.headers : {}).map(([name, rawHeader]) => {
          const header = reader.resolve(rawHeader, `${response.pointer}/headers/${escapePointer(name)}`);
          const schema = header.node.schema === undefined ? undefined : (reader.deref(header.node.schema, `${header.pointer}/schema`) as Json);
          const example = "example" in header.node ? header.node.example : schema?.example;
          return {
            name,
            required: header.node.required === true,
            ...(schema ? { schema } : {}),
            ...(example === undefined ? {} : { example }),
            pointer: header.pointer,
          };
        });
        const { meaning, reference } = meaningOfStatus(status);
        responses.push({
          status,
          code: /^\d{3}$/.test(status) ? Number(status) : null,
          meaning,
          reference,
          description: typeof response.node.description === "string" ? response.node.description : "",
          pointer: response.pointer,
          content: mediaModels(reader, response.node, response.pointer),
          headers,
        });
      }
      responses.sort((a, b) => a.status.localeCompare(b.status));

      const servers = serverModels(op.servers, pointer);
      operations[role] = {
        role,
        operationId,
        method: method.toUpperCase(),
        pathTemplate,
        pointer,
        ...(typeof op.summary === "string" ? { summary: op.summary } : {}),
        servers: servers.length > 0 ? servers : documentServers,
        methodsOnPath,
        parameters: [...parameters.values()],
        security,
        request,
        responses,
        provenance: [...reader.seen.values()].sort((a, b) => a.pointer.localeCompare(b.pointer)),
      };
    }
  }
  if (Object.keys(operations).length === 0) throw new Error("the spec documents no operation");
  return {
    servers: documentServers,
    meanings: meaningVocabulary(),
    extensionKeywords: [...extensionKeywordsOf(doc)].sort(),
    provenanceKeywords: [...PROVENANCE_KEYWORDS],
    operations: Object.fromEntries(Object.entries(operations).sort(([a], [b]) => a.localeCompare(b))),
  };
}

/** generated/operations.json: the model, with the generated-file marker on its first line. */
export function operationsJson(model: OperationsModel): string {
  const text = JSON.stringify({ "x-generated": HEADER, ...model }, null, 2);
  return `${text.replace(/^\{\n\s+/, "{ ")}\n`;
}

/** generated/operations.d.ts: the model's types, with the roles and operation ids of this spec as unions. */
export function operationsTypes(model: OperationsModel): string {
  const union = (values: string[]) => (values.length ? values.map((v) => JSON.stringify(v)).join(" | ") : "never");
  const ops = Object.values(model.operations);
  return [
    `// ${HEADER}`,
    '// Types of generated/operations.json, the operations model (scripts/generate-model.ts; docs/spec.md, "The operations model").',
    `export type OperationRole = ${union(ops.map((o) => o.role))};`,
    `export type OperationId = ${union(ops.map((o) => o.operationId))};`,
    `export type StatusMeaning = ${union([...STATUS_MEANING_VOCABULARY])};`,
    "export type JsonSchema = Record<string, unknown>;",
    "export interface Provenance { readonly pointer: string; readonly sources: readonly string[]; readonly curated?: string }",
    "export interface ServerModel { readonly url: string; readonly basePath: string; readonly description?: string }",
    "export interface ParameterModel { readonly name: string; readonly in: string; readonly required: boolean; readonly schema: JsonSchema; readonly example?: unknown; readonly pointer: string }",
    "export interface SecurityModel { readonly name: string; readonly type: string; readonly scheme?: string; readonly bearerFormat?: string; readonly scopes: readonly string[]; readonly pointer: string }",
    "export interface VariantModel { readonly values: readonly string[]; readonly schemaName: string | null; readonly pointer: string; readonly schema: JsonSchema; readonly examples: Readonly<Record<string, unknown>>; readonly security: readonly SecurityModel[] }",
    "export interface DiscriminatorModel { readonly propertyName: string; readonly variants: readonly VariantModel[] }",
    "export interface MediaModel { readonly mediaType: string; readonly schema?: JsonSchema; readonly schemaName: string | null; readonly examples: Readonly<Record<string, unknown>>; readonly discriminator?: DiscriminatorModel }",
    "export interface HeaderModel { readonly name: string; readonly required: boolean; readonly schema?: JsonSchema; readonly example?: unknown; readonly pointer: string }",
    "export interface ResponseModel { readonly status: string; readonly code: number | null; readonly meaning: StatusMeaning; readonly reference: string; readonly description: string; readonly pointer: string; readonly content: readonly MediaModel[]; readonly headers: readonly HeaderModel[] }",
    "export interface OperationModel {",
    "  readonly role: OperationRole;",
    "  readonly operationId: OperationId;",
    "  readonly method: string;",
    "  readonly pathTemplate: string;",
    "  readonly pointer: string;",
    "  readonly summary?: string;",
    "  readonly servers: readonly ServerModel[];",
    "  readonly methodsOnPath: readonly string[];",
    "  readonly parameters: readonly ParameterModel[];",
    "  readonly security: readonly SecurityModel[];",
    "  readonly request: { readonly required: boolean; readonly pointer: string; readonly content: readonly MediaModel[] } | null;",
    "  readonly responses: readonly ResponseModel[];",
    "  readonly provenance: readonly Provenance[];",
    "}",
    "export interface OperationsModel {",
    "  readonly servers: readonly ServerModel[];",
    "  readonly meanings: Readonly<Record<StatusMeaning, { readonly codes: readonly number[]; readonly references: readonly string[] }>>;",
    "  readonly extensionKeywords: readonly string[];",
    "  readonly provenanceKeywords: readonly string[];",
    "  readonly operations: Readonly<Record<OperationRole, OperationModel>>;",
    "}",
    "",
  ].join("\n");
}
