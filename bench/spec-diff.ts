// Benchmark: `npm run spec:diff` (the CLI, a fresh process each run) on this project's own spec, in a
// throwaway copy of the repository whose working tree carries a typical spec change.
import { execFileSync, spawn } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { projectRoot } from "../scripts/generate-lib.ts";

/** The same edit `test/spec/diff.test.ts` makes to the real spec: one break, two compatible, one annotation. */
export function typicalChange(spec: string): string {
  const after = spec
    .replace("          enum: [customer, company]\n", "          enum: [customer]\n")
    .replace("        expires_in:\n          type: integer\n", "        expires_in:\n          type: integer\n          minimum: 1\n")
    .replace("    AccessToken:\n      type: object\n", "    AccessToken:\n      type: object\n      x-curated: A test annotation.\n");
  if (after.split("\n").length !== spec.split("\n").length + 2) throw new Error("bench: the typical change no longer applies to openapi/login.yaml");
  return after;
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.email=bench@test.invalid", "-c", "user.name=bench", ...args], { cwd, stdio: "pipe" });

/** A copy of the project's files (tracked and untracked, not ignored; node_modules and dist linked) committed on `main`, the spec edited in its working tree. */
export async function projectCopy(edit: (spec: string) => string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "spec-diff-bench-"));
  const tracked = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: projectRoot, encoding: "utf8" })
    .split("\0")
    .filter(Boolean);
  for (const file of tracked) {
    if (!existsSync(path.join(projectRoot, file))) continue;
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await cp(path.join(projectRoot, file), path.join(dir, file));
  }
  for (const linked of ["node_modules", "dist"]) {
    if (existsSync(path.join(projectRoot, linked))) await symlink(path.join(projectRoot, linked), path.join(dir, linked));
  }
  git(dir, "init", "-q", "-b", "main");
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "base");
  const spec = path.join(dir, "openapi", "login.yaml");
  await writeFile(spec, edit(await readFile(spec, "utf8")));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface SpecDiffBench {
  runs_each: number;
  /** Median wall time of the CLI (process start to exit) on the typical change, over `runs_each` runs. */
  changed_s: number;
  /** The same with the spec unchanged (one run). */
  unchanged_s: number;
  /** `tsc -p tsconfig.json` on the same copy, once, between the runs: the reference a noisy machine slows alike. */
  typecheck_s: number;
  ratio_to_typecheck: number;
  /** What the typical change is judged, so a faster but wrong run shows. */
  changed_verdict: string;
  budget_s: number;
  within_budget: boolean;
}

/** Runs a command in the copy (its own `scripts/spec-diff.ts` as `npm run spec:diff` does, or tsc) and returns its exit code. */
function run(dir: string, command: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: dir, stdio: "ignore" });
    child.on("error", reject);
    child.on("exit", (code) => resolve(code ?? -1));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchSpecDiff(runs = 3): Promise<SpecDiffBench> {
  const changed = await projectCopy(typicalChange);
  const unchanged = await projectCopy((s) => s);
  try {
    const times = { changed: [] as number[], unchanged: [] as number[], typecheck: [] as number[] };
    let verdict = "";
    for (let i = 0; i < runs; i++) {
      // The reference and the unchanged spec once (in the middle round), the typical change every round.
      const middle = i === Math.floor(runs / 2);
      if (middle) {
        const t0 = performance.now();
        await run(changed.dir, path.join(changed.dir, "node_modules", "typescript", "bin", "tsc"), ["-p", "tsconfig.json"]);
        times.typecheck.push((performance.now() - t0) / 1000);
      }
      const variants: Array<["changed" | "unchanged", { dir: string }]> = [["changed", changed]];
      if (middle) variants.push(["unchanged", unchanged]);
      for (const [name, copy] of variants) {
        const t0 = performance.now();
        const code = await run(copy.dir, path.join(copy.dir, "node_modules", ".bin", "tsx"), [path.join(copy.dir, "scripts", "spec-diff.ts")]);
        times[name].push((performance.now() - t0) / 1000);
        if (name === "changed") {
          const report = JSON.parse(await readFile(path.join(copy.dir, "reports", "spec-diff.json"), "utf8")) as {
            kind: string;
            summary: Record<string, number>;
          };
          verdict = `exit ${code}, ${report.kind}: ${report.summary.breaking} breaking, ${report.summary.compatible} compatible, ${report.summary.documentationOnly} documentation-only, ${report.summary.typeLevelBreaks} type-level`;
        }
      }
    }
    const changedS = median(times.changed);
    const typecheckS = median(times.typecheck);
    return {
      runs_each: runs,
      changed_s: changedS,
      unchanged_s: median(times.unchanged),
      typecheck_s: typecheckS,
      ratio_to_typecheck: changedS / typecheckS,
      changed_verdict: verdict,
      budget_s: 10,
      within_budget: changedS <= 10,
    };
  } finally {
    await Promise.all([changed.remove(), unchanged.remove()]);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await benchSpecDiff(Number(process.argv[2] ?? 1)));
