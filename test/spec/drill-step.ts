// The steps of the spec drill (test/spec/drill.test.ts), run with node and tsx's loader over scratch copies of the project,
// each of whose openapi/login.yaml carries one edit (one process for all copies: Ajv, TypeScript and esbuild
// load once; each copy's modules load from its own path, so each reads its own generated model). Per copy:
// generate; build the client (Node and browser entries) and
// construct a client with each; run the conformance suite at its strictest against the fake, which reads
// the copy's generated model; compare the spec with the original by spec:diff's rules, compiling the copy's
// src/ and examples/ against the new types. Prints one JSON line per copy: what each step found.
import { existsSync } from "node:fs";
import { mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

const [baseSpecFile = "", ...roots] = process.argv.slice(2);

async function drill(root: string): Promise<Record<string, unknown>> {
  const at = (...p: string[]) => path.join(root, ...p);
  const load = <T>(file: string) => import(pathToFileURL(at(file)).href) as Promise<T>;
  const result: Record<string, unknown> = {};

  // 1. generate (as `npm run generate` does, into the copy's generated/)
  const lib = await load<typeof import("../../scripts/generate-lib.ts")>("scripts/generate-lib.ts");
  const files = await lib.generateAll(at("openapi", "login.yaml"));
  for (const name of await readdir(at("generated"))) if (!files.has(name)) await rm(at("generated", name));
  for (const [name, text] of files) await writeFile(at("generated", name), text);
  result.generated = files.size;

  // 2. build both entries as `npm run build` does, and construct a client with each
  await mkdir(at("dist-drill"), { recursive: true });
  await build({
    entryPoints: [at("src/index.ts"), at("src/browser.ts")],
    absWorkingDir: root,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    external: ["openapi-fetch"],
    outdir: at("dist-drill"),
    logLevel: "silent",
  });
  const constructed: string[] = [];
  for (const entry of ["index", "browser"]) {
    const mod = (await import(pathToFileURL(at("dist-drill", `${entry}.js`)).href)) as { createLoginClient(o: unknown): unknown };
    try {
      mod.createLoginClient({ accountId: "T12345678", auth: { accessToken: "drill-bearer" } });
      constructed.push(entry);
    } catch (error) {
      constructed.push(`${entry}: ${(error as Error).message}`);
    }
  }
  result.constructed = constructed;

  // 3. the suite at its strictest against the fake, both following the edited spec
  const { startFakeDintero } = await load<typeof import("../../testing/index.ts")>("testing/index.ts");
  const { resolveConfig } = await load<typeof import("../../contract-tests/config.ts")>("contract-tests/config.ts");
  const { runSuite } = await load<typeof import("../../contract-tests/suite.ts")>("contract-tests/suite.ts");
  const { SEVERITIES } = await load<typeof import("../../contract-tests/checks.ts")>("contract-tests/checks.ts");
  const fake = await startFakeDintero();
  try {
    const env = {
      DINTERO_BASE_URL: fake.url,
      DINTERO_ACCOUNT_ID: fake.accountId,
      DINTERO_CLIENT_ID: "fake-client-id",
      DINTERO_CLIENT_SECRET: "fake-client-secret",
      DINTERO_LOGIN_EMAIL: "john.doe@example.com",
      DINTERO_LOGIN_PASSWORD: "correct-horse-battery-staple",
      CONTRACT_CASES: "2",
    };
    const run = await runSuite(resolveConfig(env, { CONTRACT_FAIL_ON: SEVERITIES[SEVERITIES.length - 1]!, CONTRACT_STRICT: "1" }));
    result.suite = {
      exitCode: run.exitCode,
      failures: run.results
        .filter((r) => r.outcome === "fail")
        .map((r) => `${r.check} ${r.caseId}: ${r.findings.map((f) => f.message).join("; ")}`)
        .slice(0, 10),
      requests: run.requestsSent,
    };
  } finally {
    await fake.close();
  }

  // 3b. for an edit that adds a rule to the login body (drill-breakage.json: the keywords and the place), the
  // same suite against the fake bent to ignore that rule and answer such a login 401 instead of an
  // invalid-request status: the suite must fail it, from the new rule alone (no code change).
  const breakageFile = at("drill-breakage.json");
  if (existsSync(breakageFile)) {
    const { keywords, instancePath, status } = JSON.parse(await readFile(breakageFile, "utf8")) as { keywords: string[]; instancePath: string; status: number };
    const { startFakeServer } = await load<typeof import("../../testing/internal.ts")>("testing/internal.ts");
    const { fake: bent, internals } = await startFakeServer();
    internals.use({
      validation: (errors, ctx) => {
        if (ctx.op !== "login") return errors;
        const kept = errors.filter((e) => !(keywords.includes(e.keyword) && e.instancePath === instancePath));
        return kept.length === 0 && errors.length > 0 ? ctx.fail(status) : kept;
      },
    });
    try {
      const env = {
        DINTERO_BASE_URL: bent.url,
        DINTERO_ACCOUNT_ID: bent.accountId,
        DINTERO_CLIENT_ID: "fake-client-id",
        DINTERO_CLIENT_SECRET: "fake-client-secret",
        DINTERO_LOGIN_EMAIL: "john.doe@example.com",
        DINTERO_LOGIN_PASSWORD: "correct-horse-battery-staple",
        CONTRACT_CASES: "2",
      };
      const run = await runSuite(resolveConfig(env, {}));
      const failures = run.results.filter((r) => r.outcome === "fail");
      result.ignoresNewRule = {
        exitCode: run.exitCode,
        failures: failures.map((r) => ({
          check: r.check,
          severity: r.severity,
          caseId: r.caseId,
          status: run.exchanges.find((e) => e.id === r.exchangeId)?.response?.status,
          pointer: r.findings[0]?.pointer,
        })),
      };
    } finally {
      await bent.close();
    }
  }

  // 4. spec:diff's verdict, the copy's consumer code compiled against the new types
  const { diffSpecs } = await load<typeof import("../../scripts/spec-diff/run.ts")>("scripts/spec-diff/run.ts");
  // The copy's own base when the project has taken the edit (drill.test.ts writes it), else the project's spec.
  const ownBase = path.join(root, "drill-base.yaml");
  const before = await lib.bundleSpec(existsSync(ownBase) ? ownBase : baseSpecFile);
  const after = await lib.bundleSpec(at("openapi", "login.yaml"));
  const diff = await diffSpecs(before, after, { root });
  result.diff = { kind: diff.kind, summary: diff.summary, compileErrors: diff.typeLevel.compile.errors.slice(0, 5) };

  return result;
}

for (const root of roots) {
  const result = await drill(root).catch((error: unknown) => ({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
  process.stdout.write(`${JSON.stringify({ root, ...result })}\n`);
}
