// TypeScript releases other than this project's, for tests that type-check the packed package with them:
// installed once, all in one npm run, into a cache folder that outlives the test run (each release under
// an npm alias, so they share one folder and no `tsc` bin collides with this project's). A later run
// reuses the cache and needs neither the registry nor the 30 s; a cache left half-written (a run killed
// mid-install) has no marker and is installed again.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/** Installs `packages` (npm specs) into `dir`, which holds a package.json. */
export type Installer = (dir: string, packages: string[]) => Promise<void>;

export const npmInstall: Installer = async (dir, packages) => {
  await run(npm, ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", ...packages], { cwd: dir, timeout: 170_000 });
};

/** The folder a set of versions is cached in: one per set, so a changed list never reuses a stale one. */
export function cacheDir(versions: readonly string[], root = path.join(tmpdir(), "dintero-login-kit-typescript")): string {
  return path.join(root, versions.join("+"));
}

/**
 * The `tsc` of each version (a path to run with node), by version. Installs what the cache lacks, in
 * one npm run; the marker file is written last, after a rename that makes the folder complete at once.
 */
export async function typescriptCompilers(
  versions: readonly string[],
  install: Installer = npmInstall,
  dir = cacheDir(versions),
): Promise<Record<string, string>> {
  const tscOf = (base: string) => Object.fromEntries(versions.map((v) => [v, path.join(base, "node_modules", `typescript-${v}`, "bin", "tsc")]));
  const marker = path.join(dir, "installed.json");
  const complete = existsSync(marker) && (await readFile(marker, "utf8").catch(() => "")) === JSON.stringify(versions);
  if (complete && Object.values(tscOf(dir)).every((tsc) => existsSync(tsc))) return tscOf(dir);
  const staging = `${dir}.${process.pid}.${Date.now()}`;
  await mkdir(staging, { recursive: true });
  await writeFile(path.join(staging, "package.json"), JSON.stringify({ name: "typescript-versions", private: true }));
  await install(
    staging,
    versions.map((v) => `typescript-${v}@npm:typescript@${v}`),
  );
  await writeFile(path.join(staging, "installed.json"), JSON.stringify(versions));
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.dirname(dir), { recursive: true });
  await rename(staging, dir).catch(async () => {
    // another run finished the same cache first: keep theirs
    await rm(staging, { recursive: true, force: true });
  });
  return tscOf(dir);
}
