// spec:diff: one fixture pair per direction rule (classification, type-level result and exit code),
// the compile check against a project's own code, and the CLI's exit codes and reports.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { exitCodeFor, runSpecDiff, type SpecDiffResult } from "../../scripts/spec-diff/run.ts";
import { projectRoot } from "../../scripts/generate-lib.ts";
import { readFixture, specRepo, type SpecRepo } from "../helpers/spec-repo.ts";
import { tsxArgs } from "../helpers/tsx.ts";

const repos: SpecRepo[] = [];
afterAll(async () => {
  await Promise.all(repos.map((r) => r.remove()));
});
async function repoFor(after: string, before = "base.yaml", extra: Record<string, string> = {}) {
  const repo = await specRepo(await readFixture(before), await readFixture(after), extra);
  repos.push(repo);
  return repo;
}

const OP = "POST /accounts/{aid}/sessions";
const JSON_200 = "response 200 application/json";
const BODY = "request body application/json";
type Row = [kind: string, where: string, pointer: string, reason: string];

interface Fixture {
  file: string;
  kind: SpecDiffResult["kind"];
  exit: 0 | 1;
  /** Exactly the changes expected (kind, where, pointer, start of the reason). */
  changes: Row[];
  /** The assignability check expected to fail, if any. */
  typeBreak?: string;
}

const FIXTURES: Fixture[] = [
  {
    file: "response-enum-widened.yaml",
    kind: "breaking",
    exit: 1,
    typeBreak: JSON_200,
    changes: [["breaking", JSON_200, "/properties/token_type/enum", "enum value added: response widened"]],
  },
  {
    file: "request-enum-narrowed.yaml",
    kind: "breaking",
    exit: 1,
    typeBreak: BODY,
    changes: [["breaking", BODY, "/properties/type/enum", "enum value removed: request narrowed"]],
  },
  {
    file: "request-enum-widened.yaml",
    kind: "compatible",
    exit: 0,
    changes: [["compatible", BODY, "/properties/type/enum", "enum value added: request widened"]],
  },
  {
    file: "request-required-added.yaml",
    kind: "breaking",
    exit: 1,
    typeBreak: BODY,
    changes: [["breaking", BODY, "/required", "property made required: request narrowed"]],
  },
  {
    file: "response-property-removed.yaml",
    kind: "breaking",
    exit: 1,
    changes: [["breaking", JSON_200, "/properties/refresh_token", "property removed: consumers that read it break"]],
  },
  {
    file: "response-required-removed.yaml",
    kind: "breaking",
    exit: 1,
    typeBreak: JSON_200,
    changes: [["breaking", JSON_200, "/required", "property made optional: response widened"]],
  },
  {
    file: "request-optional-property-added.yaml",
    kind: "compatible",
    exit: 0,
    changes: [["compatible", BODY, "/properties/remember", "optional property added"]],
  },
  {
    file: "response-optional-property-added.yaml",
    kind: "compatible",
    exit: 0,
    changes: [["compatible", JSON_200, "/properties/scope", "property added (objects are open"]],
  },
  { file: "status-added.yaml", kind: "compatible", exit: 0, changes: [["compatible", "response 429", "", "error status added"]] },
  { file: "status-removed.yaml", kind: "compatible", exit: 0, changes: [["compatible", "response 400", "", "error status removed"]] },
  {
    file: "request-pattern-added.yaml",
    kind: "breaking",
    exit: 1,
    changes: [["breaking", BODY, "/properties/email/pattern", "pattern added: request narrowed"]],
  },
  {
    file: "request-pattern-removed.yaml",
    kind: "compatible",
    exit: 0,
    changes: [["compatible", BODY, "/properties/pin/pattern", "pattern removed: request widened"]],
  },
  {
    file: "request-pattern-changed.yaml",
    kind: "breaking",
    exit: 1,
    changes: [["breaking", BODY, "/properties/pin/pattern", "pattern replaced: whether the new regular expression"]],
  },
  {
    file: "parameter-pattern-changed.yaml",
    kind: "breaking",
    exit: 1,
    changes: [["breaking", "parameter aid (path)", "/schema/pattern", "pattern replaced: whether the new regular expression"]],
  },
  {
    file: "response-pattern-added.yaml",
    kind: "compatible",
    exit: 0,
    changes: [["compatible", JSON_200, "/properties/access_token/pattern", "pattern added: response narrowed"]],
  },
  {
    file: "response-pattern-removed.yaml",
    kind: "breaking",
    exit: 1,
    changes: [["breaking", JSON_200, "/properties/refresh_token/pattern", "pattern removed: response widened"]],
  },
  {
    file: "request-max-length-lowered.yaml",
    kind: "breaking",
    exit: 1,
    changes: [["breaking", BODY, "/properties/password/maxLength", "maxLength lowered: request narrowed"]],
  },
  {
    file: "request-min-length-lowered.yaml",
    kind: "compatible",
    exit: 0,
    changes: [["compatible", BODY, "/properties/password/minLength", "minLength lowered: request widened"]],
  },
  {
    file: "response-max-length-raised.yaml",
    kind: "breaking",
    exit: 1,
    changes: [["breaking", JSON_200, "/properties/access_token/maxLength", "maxLength raised: response widened"]],
  },
  {
    file: "response-max-length-lowered.yaml",
    kind: "compatible",
    exit: 0,
    changes: [["compatible", JSON_200, "/properties/access_token/maxLength", "maxLength lowered: response narrowed"]],
  },
  {
    file: "response-minimum-removed.yaml",
    kind: "breaking",
    exit: 1,
    changes: [["breaking", JSON_200, "/properties/expires_in/minimum", "minimum removed: response widened"]],
  },
  {
    file: "response-type-changed.yaml",
    kind: "breaking",
    exit: 1,
    typeBreak: JSON_200,
    changes: [["breaking", JSON_200, "/properties/expires_in/type", "type changed"]],
  },
  {
    file: "request-type-widened.yaml",
    kind: "compatible",
    exit: 0,
    changes: [["compatible", BODY, "/properties/attempts/type", "type widened: request widened"]],
  },
  {
    file: "documentation-only.yaml",
    kind: "documentation-only",
    exit: 0,
    changes: [
      ["documentation-only", "summary", "", "summary is documentation"],
      ["documentation-only", "tags", "", "tags is documentation"],
      ["documentation-only", "description", "", "description is documentation"],
      ["documentation-only", "x-source", "", "x-source is documentation"],
      ["documentation-only", JSON_200, "/properties/expires_in/description", "description is documentation"],
      ["documentation-only", JSON_200, "/properties/expires_in/example", "example is documentation"],
      ["documentation-only", JSON_200, "/properties/expires_in/x-curated", "x-curated is documentation"],
      ["documentation-only", "response 400 application/json", "/x-source", "x-source is documentation"],
    ],
  },
  { file: "formatting-only.yaml", kind: "none", exit: 0, changes: [] },
];

describe("spec:diff fixtures: one pair per direction rule", () => {
  for (const fx of FIXTURES) {
    it(`${fx.file.replace(".yaml", "")}: ${fx.kind}, exit ${fx.exit}`, async () => {
      const repo = await repoFor(fx.file);
      const result = await runSpecDiff({ cwd: repo.dir });
      const rows = result.changes.map((c) => [c.kind, c.operation, c.where, c.pointer, c.reason]);
      expect(rows.map(([kind, op, where, pointer]) => [kind, op, where, pointer]).sort()).toEqual(
        fx.changes.map(([kind, where, pointer]) => [kind, OP, where, pointer]).sort(),
      );
      for (const [kind, where, pointer, reason] of fx.changes) {
        const row = result.changes.find((c) => c.kind === kind && c.where === where && c.pointer === pointer);
        expect(row?.reason.startsWith(reason), `${where} ${pointer}: "${row?.reason}" should start with "${reason}"`).toBe(true);
      }
      const failed = result.typeLevel.checks.filter((c) => !c.ok).map((c) => c.where);
      expect(failed).toEqual(fx.typeBreak ? [fx.typeBreak] : []);
      expect(result.typeLevel.checks.length).toBeGreaterThanOrEqual(3);
      expect(result.kind).toBe(fx.kind);
      expect(exitCodeFor(result, false)).toBe(fx.exit);
      expect(exitCodeFor(result, true)).toBe(0);
    });
  }
});

describe("spec:diff on the real spec", () => {
  it("judges a request enum narrowed as breaking (types too), a response bound added as compatible, an annotation as documentation-only", async () => {
    const spec = await readFile(path.join(projectRoot, "openapi", "login.yaml"), "utf8");
    const after = spec
      .replace("          enum: [customer, company]\n", "          enum: [customer]\n")
      .replace("        expires_in:\n          type: integer\n", "        expires_in:\n          type: integer\n          minimum: 1\n")
      .replace("    AccessToken:\n      type: object\n", "    AccessToken:\n      type: object\n      x-curated: a test annotation\n");
    expect(after.split("\n").length).toBe(spec.split("\n").length + 2);
    const repo = await specRepo(spec, after);
    repos.push(repo);
    const result = await runSpecDiff({ cwd: repo.dir });
    const login = "POST /accounts/{aid}/customers/login";
    const breaking = result.changes.filter((c) => c.kind === "breaking");
    expect(breaking.map((c) => [c.operation, c.where])).toEqual([[login, BODY]]);
    expect(breaking[0]!.pointer).toMatch(/\/type\/enum/);
    expect(
      result.changes
        .filter((c) => c.kind === "compatible")
        .map((c) => [c.operation, c.where, c.pointer])
        .sort(),
    ).toEqual([
      [login, JSON_200, "/properties/expires_in/minimum"],
      ["POST /accounts/{oid}/auth/token", JSON_200, "/properties/expires_in/minimum"],
    ]);
    expect(result.changes.filter((c) => c.kind === "documentation-only").map((c) => c.pointer)).toEqual(["/x-curated", "/x-curated"]);
    expect(result.typeLevel.checks.filter((c) => !c.ok).map((c) => [c.operation, c.where])).toEqual([[login, BODY]]);
    expect(exitCodeFor(result, false)).toBe(1);
  });
});

describe("spec:diff provenance: the new spec's annotations, checked as npm test checks them", () => {
  const sources = "# Sources\n\n## Sources\n\n| # | page | url |\n| --- | --- | --- |\n| 1 | docs | https://docs.example.com/login |\n";
  const annotated = (spec: string) =>
    spec.replace(
      "    post:\n      operationId: create_session\n",
      "    post:\n      operationId: create_session\n      x-source: https://docs.example.com/unlisted\n",
    );

  it("names each node without x-source or x-curated, and a source not in openapi/SOURCES.md; exit 1 even with --allow-breaking", async () => {
    const base = await readFixture("base.yaml");
    const repo = await specRepo(base, annotated(base), { "openapi/SOURCES.md": sources });
    repos.push(repo);
    const result = await runSpecDiff({ cwd: repo.dir });
    expect(result.kind).toBe("documentation-only");
    expect(result.provenance.checked).toBe(true);
    const problems = result.provenance.problems.map((p) => `${p.pointer} ${p.problem}`);
    expect(problems).toContain("/paths/~1accounts~1{aid}~1sessions/post x-source https://docs.example.com/unlisted is not one of the listed sources");
    expect(problems).toContain("/components/schemas/Session/properties/access_token has neither x-source nor x-curated");
    expect(exitCodeFor(result, true)).toBe(1);
  });

  it("finds none in this project's spec, and does not check a project without openapi/SOURCES.md", async () => {
    const spec = await readFile(path.join(projectRoot, "openapi", "login.yaml"), "utf8");
    const sourcesMd = await readFile(path.join(projectRoot, "openapi", "SOURCES.md"), "utf8");
    const [ours, plain] = await Promise.all([
      specRepo(spec, spec, { "openapi/SOURCES.md": sourcesMd }),
      specRepo(await readFixture("base.yaml"), await readFixture("formatting-only.yaml")),
    ]);
    repos.push(ours, plain);
    const [a, b] = [await runSpecDiff({ cwd: ours.dir }), await runSpecDiff({ cwd: plain.dir })];
    expect(a.provenance).toEqual({ checked: true, problems: [] });
    expect(b.provenance).toEqual({ checked: false, problems: [] });
  });
});

describe("spec:diff type level: the project's own code against the new types", () => {
  const tsconfig = JSON.stringify({
    compilerOptions: { strict: true, module: "ESNext", moduleResolution: "Bundler", target: "ES2022", lib: ["ES2022"], noEmit: true, types: [] },
    include: ["src"],
  });
  const user = [
    `import type { components } from "../generated/schema.js";`,
    `export const refresh = (s: components["schemas"]["Session"]): string | undefined => s.refresh_token;`,
    "",
  ].join("\n");

  it("reports code that no longer compiles, even when the types are assignable", async () => {
    const repo = await repoFor("response-property-removed.yaml", "base.yaml", { "tsconfig.json": tsconfig, "src/use.ts": user });
    const result = await runSpecDiff({ cwd: repo.dir });
    expect(result.typeLevel.checks.every((c) => c.ok)).toBe(true);
    expect(result.typeLevel.compile.files).toBe(1);
    expect(result.typeLevel.compile.errors).toEqual([{ file: path.join("src", "use.ts"), line: 2, message: expect.stringContaining("refresh_token") }]);
    expect(result.summary.typeLevelBreaks).toBe(1);
  });

  it("compiles examples/ too, but not test/ (npm test's typecheck does), nor code that does not import the types", async () => {
    const unrelated = `export const oops: number = "pre-existing, and not about the spec";\n`;
    const repo = await repoFor("response-property-removed.yaml", "base.yaml", {
      "tsconfig.json": tsconfig.replace('["src"]', '["src", "examples", "test"]'),
      "examples/use.ts": user,
      "test/use.test.ts": user,
      "src/unrelated.ts": unrelated,
    });
    const result = await runSpecDiff({ cwd: repo.dir });
    expect(result.typeLevel.compile.errors.map((e) => e.file)).toEqual([path.join("examples", "use.ts")]);
    expect(result.typeLevel.compile.files).toBe(2);
  });

  it("counts only errors the new types cause, not ones the code had before", async () => {
    const broken = user + `export const oops: number = "not a number";\n`;
    const repo = await repoFor("response-optional-property-added.yaml", "base.yaml", { "tsconfig.json": tsconfig, "src/use.ts": broken });
    const result = await runSpecDiff({ cwd: repo.dir });
    expect(result.typeLevel.compile.errors).toEqual([]);
    expect(result.kind).toBe("compatible");
  });
});

const exec = promisify(execFile);
const cli = path.join(projectRoot, "scripts", "spec-diff.ts");
async function runCli(cwd: string, ...args: string[]) {
  try {
    const { stdout, stderr } = await exec(process.execPath, tsxArgs(cli, ...args), { cwd });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("spec:diff CLI", () => {
  it.concurrent("exits 1 on a breaking change, prints the table and writes both reports", async () => {
    const repo = await repoFor("response-enum-widened.yaml");
    const { code, stdout } = await runCli(repo.dir);
    expect(code).toBe(1);
    expect(stdout).toMatch(/BREAKING/);
    expect(stdout).toMatch(/breaking\s+POST \/accounts\/\{aid\}\/sessions\s+response 200 application\/json \/properties\/token_type\/enum/);
    const md = await readFile(path.join(repo.dir, "reports", "spec-diff.md"), "utf8");
    expect(md).toContain("| breaking | POST /accounts/{aid}/sessions |");
    expect(md).toContain("breaking-spec-change");
    const json = JSON.parse(await readFile(path.join(repo.dir, "reports", "spec-diff.json"), "utf8"));
    expect(json).toMatchObject({ kind: "breaking", exitCode: 1, allowBreaking: false, base: { how: "merge-base of HEAD and main" } });
  });

  it.concurrent("exits 0 with --allow-breaking (here with an explicit --base) and still reports the break", async () => {
    const repo = await repoFor("request-required-added.yaml");
    const { code, stdout } = await runCli(repo.dir, "--base", "main", "--allow-breaking");
    expect(code).toBe(0);
    expect(stdout).toContain("BREAKING (allowed by --allow-breaking)");
    const json = JSON.parse(await readFile(path.join(repo.dir, "reports", "spec-diff.json"), "utf8"));
    expect(json).toMatchObject({ kind: "breaking", exitCode: 0, allowBreaking: true, base: { ref: "main", how: "--base" } });
  });

  it.concurrent("exits 2 with a clear message on an unknown ref, an invalid spec, outside git and on a bad option", async () => {
    const [repo, noPaths, swagger, badYaml] = await Promise.all([
      repoFor("formatting-only.yaml"),
      repoFor("formatting-only.yaml"),
      repoFor("formatting-only.yaml"),
      repoFor("formatting-only.yaml"),
    ]);
    await noPaths.write("openapi/login.yaml", "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n");
    await swagger.write("openapi/login.yaml", "swagger: '2.0'\npaths: {}\n");
    await badYaml.write("openapi/login.yaml", "openapi: 3.1.0\npaths: {\n  /x: [\n");
    const [unknown, option, outside, invalid, notOpenApi, yamlError] = await Promise.all([
      runCli(repo.dir, "--base", "no-such-branch"),
      runCli(repo.dir, "--bas", "main"),
      runCli(path.dirname(repo.dir)),
      runCli(noPaths.dir),
      runCli(swagger.dir),
      runCli(badYaml.dir),
    ]);
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringContaining("unknown git ref 'no-such-branch'") });
    expect(option).toMatchObject({ code: 2, stderr: expect.stringContaining("Unknown option '--bas'") });
    expect(outside).toMatchObject({ code: 2, stderr: expect.stringContaining("is not inside a git work tree") });
    expect(invalid).toMatchObject({ code: 2, stderr: expect.stringContaining("has no 'paths' object") });
    expect(notOpenApi).toMatchObject({ code: 2, stderr: expect.stringContaining("not an OpenAPI 3 document") });
    expect(yamlError).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/spec:diff cannot run: openapi\/login\.yaml in the working tree (is invalid|cannot be read)/),
    });
  });
});
