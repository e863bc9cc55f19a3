// The type-level half of spec:diff: generates the types of both specs and asks tsc whether every old
// request type is assignable to the new one and every new response type to the old one, per operation,
// status and media type; then compiles src/ and examples/ against the new types.
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { resolvePointer } from "../../lib/json-pointer.ts";
import { typesModule } from "../generate-types.ts";

type Json = Record<string, unknown>;
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

export interface TypeCheck {
  operation: string;
  /** `request body application/json`, `parameters`, `response 200 application/json`. */
  where: string;
  /** Which way assignability is required. */
  direction: "old → new" | "new → old";
  ok: boolean;
  /** tsc's innermost reason when not assignable (the line that names the property or member). */
  message?: string;
}

export interface CompileError {
  file: string;
  line: number;
  message: string;
}

export interface TypeLevelResult {
  checks: TypeCheck[];
  /** Errors in src/ and examples/ under the new types that they did not have under the old ones. */
  compile: { files: number; errors: CompileError[] };
}

/**
 * Source files parsed once per process and shared by every program: TypeScript's lib and node_modules
 * (they never change during a run), and, within one `typeLevel` call, the project's own files (they do
 * not change during a run either; the second compile, against the old types, reuses their parse).
 */
const stableFiles = new Map<string, ts.SourceFile>();

function cachingHost(options: ts.CompilerOptions, overrides: Map<string, string>, runFiles?: Map<string, ts.SourceFile>): ts.CompilerHost {
  const host = ts.createCompilerHost(options, true);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const resolved = path.resolve(fileName);
    const text = overrides.get(resolved);
    if (text !== undefined) return ts.createSourceFile(fileName, text, languageVersion, true);
    const stable = resolved.includes(`${path.sep}node_modules${path.sep}`);
    const cache = stable ? stableFiles : runFiles;
    // A file parsed for one target or module format is not reused for another; TypeScript's own lib
    // files are global declarations, the same whatever the module format, so the two programs share them.
    const isLib = path.basename(resolved).startsWith("lib.") && resolved.includes(`${path.sep}typescript${path.sep}lib${path.sep}`);
    const key =
      typeof languageVersion === "object"
        ? `${resolved}\u0000${languageVersion.languageVersion}\u0000${isLib ? "" : String(languageVersion.impliedNodeFormat)}`
        : `${resolved}\u0000${languageVersion}`;
    const cached = cache?.get(key);
    if (cached) return cached;
    const file = getSourceFile.call(host, fileName, languageVersion, onError, shouldCreate);
    if (file) cache?.set(key, file);
    return file;
  };
  // The overrides may live in a directory that does not exist on disk (the checks' scratch dir).
  const virtualDirs = new Set([...overrides.keys()].map((f) => path.dirname(f)));
  const { directoryExists } = host;
  // Module resolution asks the same few directories hundreds of times per program (every node_modules
  // up the tree, once per lookup): each answer is kept for the life of this host, that is one program.
  const dirs = new Map<string, boolean>();
  host.directoryExists = (dir) => {
    const resolved = path.resolve(dir);
    let exists = dirs.get(resolved);
    if (exists === undefined) {
      exists = virtualDirs.has(resolved) || (directoryExists?.call(host, dir) ?? ts.sys.directoryExists(dir));
      dirs.set(resolved, exists);
    }
    return exists;
  };
  host.fileExists = (fileName) => overrides.has(path.resolve(fileName)) || fileExists.call(host, fileName);
  host.readFile = (fileName) => overrides.get(path.resolve(fileName)) ?? readFile.call(host, fileName);
  return host;
}

const flatten = (d: ts.Diagnostic) => ts.flattenDiagnosticMessageText(d.messageText, "\n");

const operationsOf = (spec: Json) => {
  const out = new Map<string, Json>();
  for (const [route, item] of Object.entries((spec.paths ?? {}) as Record<string, Json>)) {
    for (const method of METHODS) {
      const op = item?.[method] as Json | undefined;
      if (op) out.set(`${route}\u0000${method}`, op);
    }
  }
  return out;
};

/** Follows one local `$ref` chain (requestBodies, responses), enough for the media types and statuses. */
function deref(spec: Json, node: unknown): Json | undefined {
  let current = node as Json | undefined;
  for (let i = 0; i < 10 && current && typeof current.$ref === "string"; i++) {
    current = resolvePointer(spec, current.$ref as string) as Json | undefined;
  }
  return current;
}
const mediaTypes = (spec: Json, holder: unknown) => Object.keys((deref(spec, holder)?.content ?? {}) as Json);
const both = (a: string[], b: string[]) => a.filter((x) => b.includes(x));

interface PlannedCheck extends Omit<TypeCheck, "ok" | "message"> {
  from: string;
  to: string;
}

/** The assignability checks for every operation, status and media type that both specs have. */
export function planChecks(before: Json, after: Json): PlannedCheck[] {
  const oldOps = operationsOf(before);
  const newOps = operationsOf(after);
  const checks: PlannedCheck[] = [];
  const lit = JSON.stringify;
  for (const [key, oldOp] of oldOps) {
    const newOp = newOps.get(key);
    if (!newOp) continue;
    const [route, method] = key.split("\u0000") as [string, string];
    const operation = `${method.toUpperCase()} ${route}`;
    const op = (side: "Old" | "New") => `${side}[${lit(route)}][${lit(method)}]`;
    checks.push({ operation, where: "parameters", direction: "old → new", from: `${op("Old")}["parameters"]`, to: `${op("New")}["parameters"]` });
    for (const media of both(mediaTypes(before, oldOp.requestBody), mediaTypes(after, newOp.requestBody))) {
      const body = (side: "Old" | "New") => `NonNullable<${op(side)}["requestBody"]>["content"][${lit(media)}]`;
      checks.push({ operation, where: `request body ${media}`, direction: "old → new", from: body("Old"), to: body("New") });
    }
    const oldResponses = (oldOp.responses ?? {}) as Json;
    const newResponses = (newOp.responses ?? {}) as Json;
    for (const status of both(Object.keys(oldResponses), Object.keys(newResponses))) {
      for (const media of both(mediaTypes(before, oldResponses[status]), mediaTypes(after, newResponses[status]))) {
        const res = (side: "Old" | "New") => `NonNullable<${op(side)}["responses"][${lit(status)}]["content"]>[${lit(media)}]`;
        checks.push({ operation, where: `response ${status} ${media}`, direction: "new → old", from: res("New"), to: res("Old") });
      }
    }
  }
  return checks;
}

const CHECK_OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ["lib.es2022.d.ts"],
  types: [],
  // The lib is TypeScript's own: no lookup of a @typescript/lib-* package that would replace it.
  libReplacement: false,
};

/** Runs the assignability checks in one in-memory program (nothing is written to disk). */
export function runChecks(oldTypes: string, newTypes: string, planned: PlannedCheck[], scratch: string): TypeCheck[] {
  const lines = [
    `import type { paths as Old } from "./old-schema";`,
    `import type { paths as New } from "./new-schema";`,
    ...planned.map((c, i) => `export const check${i} = (value: ${c.from}): ${c.to} => value;`),
  ];
  const overrides = new Map([
    [path.join(scratch, "old-schema.d.ts"), oldTypes],
    [path.join(scratch, "new-schema.d.ts"), newTypes],
    [path.join(scratch, "checks.ts"), lines.join("\n") + "\n"],
  ]);
  const program = ts.createProgram([path.join(scratch, "checks.ts")], CHECK_OPTIONS, cachingHost(CHECK_OPTIONS, overrides));
  const failures = new Map<number, string>();
  for (const d of ts.getPreEmitDiagnostics(program)) {
    if (!d.file || d.start === undefined) throw new Error(`type check failed: ${flatten(d)}`);
    const line = d.file.getLineAndCharacterOfPosition(d.start).line - 2;
    if (d.file.fileName.endsWith("checks.ts") && line >= 0) {
      if (!failures.has(line)) failures.set(line, flatten(d));
    } else throw new Error(`the type check itself does not compile: ${flatten(d)}`);
  }
  return planned.map(({ from: _from, to: _to, ...c }, i) => {
    const message = failures.get(i);
    if (message === undefined) return { ...c, ok: true };
    const lines = message
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
    return { ...c, ok: false, message: lines[lines.length - 1]! };
  });
}

export function listTs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules") continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listTs(full));
    else if (/\.(ts|mts|cts)$/.test(entry.name)) out.push(full);
  }
  return out.sort();
}

export function projectOptions(root: string): ts.CompilerOptions {
  const configPath = path.join(root, "tsconfig.json");
  if (!existsSync(configPath)) return { ...CHECK_OPTIONS, lib: ["lib.es2022.d.ts", "lib.dom.d.ts"] };
  const { config, error } = ts.readConfigFile(configPath, ts.sys.readFile);
  if (error) throw new Error(`tsconfig.json: ${flatten(error)}`);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, root);
  return { ...parsed.options, noEmit: true };
}

/**
 * The code a consumer builds against the types: the client (src/) and the examples users copy. test/
 * is left to `npm test`'s typecheck, the last step of the documented flow: a test that pins a type
 * (say, that "company" is accepted) breaks on changes that are compatible for every consumer, and
 * checking the test files and their vitest and Playwright types doubled spec:diff's run time.
 */
export const CONSUMER_CODE = ["src", "examples"] as const;

const SCHEMA_TYPES = (root: string) => path.join(root, "generated", "schema.d.ts");

/**
 * The project files whose compile can depend on generated/schema.d.ts: those that import it, directly
 * or through other files of the project (node_modules excluded: nothing there imports it). Only
 * their diagnostics can change when the types do, so only they are checked.
 */
export function dependentsOfSchema(root: string, files: string[], options: ts.CompilerOptions, host: ts.CompilerHost): string[] {
  const target = SCHEMA_TYPES(root);
  const cache = ts.createModuleResolutionCache(root, (f) => f, options);
  const importers = new Map<string, Set<string>>();
  const seen = new Set<string>();
  const queue = [...files];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = host.readFile(file);
    if (text === undefined) continue;
    const info = ts.preProcessFile(text, true, true);
    const specifiers = [...info.importedFiles, ...info.referencedFiles].map((r) => r.fileName);
    for (const specifier of specifiers) {
      const resolved = ts.resolveModuleName(specifier, file, options, host, cache).resolvedModule?.resolvedFileName;
      if (!resolved || resolved.includes(`${path.sep}node_modules${path.sep}`)) continue;
      const dep = path.resolve(resolved);
      let set = importers.get(dep);
      if (!set) {
        set = new Set();
        importers.set(dep, set);
      }
      set.add(file);
      if (dep !== target) queue.push(dep);
    }
  }
  const dependents = new Set<string>();
  const walk = [target];
  while (walk.length > 0) {
    for (const importer of importers.get(walk.pop()!) ?? []) {
      if (!dependents.has(importer)) {
        dependents.add(importer);
        walk.push(importer);
      }
    }
  }
  return files.filter((f) => dependents.has(path.resolve(f)));
}

/** The errors of `files` when generated/schema.d.ts is `types`; the program is returned for reuse. */
function compileProject(root: string, files: string[], options: ts.CompilerOptions, types: string, runFiles: Map<string, ts.SourceFile>) {
  const overrides = new Map([[SCHEMA_TYPES(root), types]]);
  const program = ts.createProgram(files, options, cachingHost(options, overrides, runFiles));
  const errorsOf = (only: Set<string> | undefined): CompileError[] =>
    program
      .getSourceFiles()
      .filter((sf) => (only ? only.has(path.resolve(sf.fileName)) : files.includes(path.resolve(sf.fileName))))
      .flatMap((sf) => [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)])
      .filter((d) => d.category === ts.DiagnosticCategory.Error)
      .map((d) => ({
        file: d.file ? path.relative(root, d.file.fileName) : "(project)",
        line: d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0,
        message: flatten(d).split("\n")[0]!,
      }));
  return errorsOf;
}

/** The declarations without their comments (the JSDoc carries descriptions and provenance, never a type). */
const withoutComments = (types: string) =>
  ts.createPrinter({ removeComments: true }).printFile(ts.createSourceFile("schema.d.ts", types, ts.ScriptTarget.ES2022, false));

/**
 * Both halves of the type-level check. `root` is the project whose src/ and examples/ are compiled;
 * without one, only the assignability checks run.
 */
export async function typeLevel(before: Json, after: Json, root?: string): Promise<TypeLevelResult> {
  const [oldTypes, newTypes] = await Promise.all([typesModule(before), typesModule(after)]);
  // The checks live in memory; the scratch directory only names them (it need not exist).
  const scratch = path.join(root ?? process.cwd(), ".spec-diff-scratch");
  const checks = runChecks(oldTypes, newTypes, planChecks(before, after), scratch);
  if (root === undefined) return { checks, compile: { files: 0, errors: [] } };

  const files = CONSUMER_CODE.flatMap((d) => listTs(path.join(root, d)));
  // When the declarations are the same but for comments, no file can compile differently.
  if (files.length === 0 || withoutComments(oldTypes) === withoutComments(newTypes)) {
    return { checks, compile: { files: files.length, errors: [] } };
  }
  const options = projectOptions(root);
  // generated/schema.d.ts may not exist on disk (a project that does not commit it): the scan sees it as the compile will.
  const scanHost = cachingHost(options, new Map([[SCHEMA_TYPES(root), newTypes]]));
  const dependents = dependentsOfSchema(root, files, options, scanHost);
  if (dependents.length === 0) return { checks, compile: { files: files.length, errors: [] } };
  const runFiles = new Map<string, ts.SourceFile>();
  let errors = compileProject(root, dependents, options, newTypes, runFiles)(undefined);
  if (errors.length > 0) {
    // Only what the new types broke counts: errors that the old types give too were there before.
    // Only the files with errors are checked again, and their parse is reused.
    const key = (e: CompileError) => `${e.file}\u0000${e.message}`;
    const erring = new Set(errors.map((e) => path.resolve(root, e.file)));
    const baseline = new Set(compileProject(root, [...erring], options, oldTypes, runFiles)(erring).map(key));
    errors = errors.filter((e) => !baseline.has(key(e)));
  }
  return { checks, compile: { files: files.length, errors } };
}
