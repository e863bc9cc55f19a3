// `npm run spec:diff -- [--base REF] [--allow-breaking]`: what the spec change since REF does to consumers.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { CannotRun, repoRoot } from "./spec-diff/load-spec.ts";
import { consoleReport, jsonReport, markdownReport } from "./spec-diff/report.ts";
import { exitCodeFor, runSpecDiff } from "./spec-diff/run.ts";

const USAGE = `Usage: npm run spec:diff -- [--base REF] [--allow-breaking]

Compares openapi/ at the git ref REF (default: the merge-base of HEAD with the default branch,
else HEAD) with the working tree, classifies every change as breaking, compatible or
documentation-only, checks the generated types of both for assignability, and compiles src/
and examples/ against the new types. Also reports provenance problems of the new spec (a node without
x-source or x-curated, a source not in openapi/SOURCES.md). Writes reports/spec-diff.md and
reports/spec-diff.json. Programmatic entry: runSpecDiff({ cwd, base }) in scripts/spec-diff/run.ts.

Exit codes: 0 nothing breaks (or --allow-breaking) and no provenance problem, 1 something breaks or a
provenance problem (--allow-breaking does not waive those), 2 cannot run.`;

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: { base: { type: "string" }, "allow-breaking": { type: "boolean", default: false }, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    console.error(`spec:diff: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const allowBreaking = args["allow-breaking"] === true;
  try {
    const result = await runSpecDiff({ cwd: process.cwd(), ...(args.base !== undefined ? { base: args.base } : {}) });
    const code = exitCodeFor(result, allowBreaking);
    const reports = path.join(repoRoot(process.cwd()), "reports");
    await mkdir(reports, { recursive: true });
    await writeFile(path.join(reports, "spec-diff.md"), markdownReport(result, allowBreaking));
    await writeFile(path.join(reports, "spec-diff.json"), jsonReport(result, allowBreaking, code));
    process.stdout.write(consoleReport(result, allowBreaking));
    console.log(`reports: reports/spec-diff.md, reports/spec-diff.json; exit ${code}`);
    return code;
  } catch (error) {
    if (error instanceof CannotRun) {
      console.error(`spec:diff cannot run: ${error.message}`);
      return 2;
    }
    console.error(`spec:diff cannot run: ${(error as Error).stack ?? String(error)}`);
    return 2;
  }
}

process.exitCode = await main();
