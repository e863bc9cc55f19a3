// Throwaway git repositories for spec:diff tests: a committed openapi/login.yaml and a working-tree change.
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const fixtureDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "spec-diff");
export const readFixture = (name: string) => readFile(path.join(fixtureDir, name), "utf8");

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.email=spec-diff@test.invalid", "-c", "user.name=spec-diff test", ...args], { cwd, stdio: "pipe" });

export interface SpecRepo {
  dir: string;
  /** Writes a file of the working tree (relative path). */
  write(file: string, text: string): Promise<void>;
  remove(): Promise<void>;
}

/** A repository whose only commit (on `main`) holds `before` as openapi/login.yaml, with `after` in the working tree. */
export async function specRepo(before: string, after?: string, extra: Record<string, string> = {}): Promise<SpecRepo> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "spec-diff-test-"));
  const write = async (file: string, text: string) => {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  };
  git(dir, "init", "-q", "-b", "main");
  await write("openapi/login.yaml", before);
  for (const [file, text] of Object.entries(extra)) await write(file, text);
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "base");
  if (after !== undefined) await write("openapi/login.yaml", after);
  return { dir, write, remove: () => rm(dir, { recursive: true, force: true }) };
}
