// The type-level half of spec:diff: generates the types of both specs and asks tsc whether every old
// request type is assignable to the new one and every new response type to the old one, per operation,
// status and media type; then compiles src/, examples/ and test/ against the new types.
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { typesModule } from "../generate-lib.ts";

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
  /** Errors in src/, examples/ and test/ under the new types that they did not have under the old ones. */
  compile: { files: number; errors: CompileError[] };
}

/** Source files that never change during a run (TypeScript's lib, node_modules), shared by every program. */
const stableFiles = new Map<string, ts.SourceFile>();

function cachingHost(options: ts.CompilerOptions, overrides: Map<string, string>): ts.CompilerHost {
  const host = ts.createCompilerHost(options, true);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const resolved = path.resolve(fileName);
    const text = overrides.get(resolved);
    if (text !== undefined) return ts.createSourceFile(fileName, text, languageVersion, true);
    const stable = resolved.includes(`${path.sep}node_modules${path.sep}`);
    const cached = stable ? stableFiles.get(resolved) : undefined;
    if (cached) return cached;
    const file = getSourceFile.call(host, fileName, languageVersion, onError, shouldCreate);
    if (file && stable) stableFiles.set(resolved, file);
    return file;
  };
  // The overrides may live in a directory that does not exist on disk (the checks' scratch dir).
  const virtualDirs = new Set([...overrides.keys()].map((f) => path.dirname(f)));
  const { directoryExists } = host;
  host.directoryExists = (dir) => virtualDirs.has(path.resolve(dir)) || (directoryExists?.call(host, dir) ?? ts.sys.directoryExists(dir));
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
    const parts = (current.$ref as string).replace(/^#\//, "").split("/").map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"));
    current = parts.reduce<unknown>((n, k) => (n as Json | undefined)?.[k], spec) as Json | undefined;
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
function planChecks(before: Json, after: Json): PlannedCheck[] {
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
};

/** Runs the assignability checks in one in-memory program (nothing is written to disk). */
function runChecks(oldTypes: string, newTypes: string, planned: PlannedCheck[], scratch: string): TypeCheck[] {
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
    const lines = message.split("\n").map((l) => l.trim()).filter(Boolean);
    return { ...c, ok: false, message: lines[lines.length - 1]! };
  });
}

function listTs(dir: string): string[] {
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

function projectOptions(root: string): ts.CompilerOptions {
  const configPath = path.join(root, "tsconfig.json");
  if (!existsSync(configPath)) return { ...CHECK_OPTIONS, lib: ["lib.es2022.d.ts", "lib.dom.d.ts"] };
  const { config, error } = ts.readConfigFile(configPath, ts.sys.readFile);
  if (error) throw new Error(`tsconfig.json: ${flatten(error)}`);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, root);
  return { ...parsed.options, noEmit: true };
}

/** Compiles the project's own code with generated/schema.d.ts replaced by `types`; errors keyed by file and message. */
function compileProject(root: string, files: string[], options: ts.CompilerOptions, types: string): CompileError[] {
  const overrides = new Map([[path.join(root, "generated", "schema.d.ts"), types]]);
  const program = ts.createProgram(files, options, cachingHost(options, overrides));
  return ts.getPreEmitDiagnostics(program).filter((d) => d.category === ts.DiagnosticCategory.Error).map((d) => ({
    file: d.file ? path.relative(root, d.file.fileName) : "(project)",
    line: d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0,
    message: flatten(d).split("\n")[0]!,
  }));
}

/** Both halves of the type-level check. `root` is the project whose src/, examples/ and test/ are compiled. */
export async function typeLevel(before: Json, after: Json, root: string): Promise<TypeLevelResult> {
  const [oldTypes, newTypes] = await Promise.all([typesModule(before), typesModule(after)]);
  const scratch = path.join(root, ".spec-diff-scratch");
  const checks = runChecks(oldTypes, newTypes, planChecks(before, after), scratch);

  const files = ["src", "examples", "test"].flatMap((d) => listTs(path.join(root, d)));
  if (files.length === 0) return { checks, compile: { files: 0, errors: [] } };
  const options = projectOptions(root);
  let errors = compileProject(root, files, options, newTypes);
  if (errors.length > 0) {
    // Only what the new types broke counts: errors that the old types give too were there before.
    const key = (e: CompileError) => `${e.file}\u0000${e.message}`;
    const baseline = new Set(compileProject(root, files, options, oldTypes).map(key));
    errors = errors.filter((e) => !baseline.has(key(e)));
  }
  return { checks, compile: { files: files.length, errors } };
}
