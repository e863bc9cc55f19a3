// Loads the spec from the working tree or from a git ref (every file under openapi/ at that ref), bundled.
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";

type Json = Record<string, unknown>;

/** A failure that means the comparison cannot run at all: the CLI exits 2 with this message. */
export class CannotRun extends Error {}

const SPEC = "openapi/login.yaml";

function git(root: string, args: string[]): string {
  return execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}
function tryGit(root: string, args: string[]): string | undefined {
  try {
    return git(root, args);
  } catch {
    return undefined;
  }
}

/** The repository's top-level directory, or CannotRun outside a git work tree. */
export function repoRoot(cwd: string): string {
  const top = tryGit(cwd, ["rev-parse", "--show-toplevel"]);
  if (!top) throw new CannotRun(`${cwd} is not inside a git work tree: spec:diff compares the spec with a git ref`);
  return top;
}

/**
 * The default base: the merge-base of HEAD with the default branch (origin/HEAD's branch, else
 * main or master, local or on origin), else HEAD itself.
 */
export function defaultBase(root: string): { ref: string; how: string } {
  const originHead = tryGit(root, ["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"])?.replace(/^refs\/remotes\//, "");
  const candidates = [originHead, "main", "master", "origin/main", "origin/master"].filter((c): c is string => !!c);
  for (const branch of candidates) {
    if (!tryGit(root, ["rev-parse", "--verify", "--quiet", `${branch}^{commit}`])) continue;
    const mergeBase = tryGit(root, ["merge-base", branch, "HEAD"]);
    if (mergeBase) return { ref: mergeBase, how: `merge-base of HEAD and ${branch}` };
  }
  if (!tryGit(root, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"])) {
    throw new CannotRun("the repository has no commit yet: there is no base to compare with");
  }
  return { ref: "HEAD", how: "HEAD (no default branch found)" };
}

/** The commit a ref names, or CannotRun naming the ref. */
export function resolveRef(root: string, ref: string): string {
  if (ref.startsWith("-")) throw new CannotRun(`unknown git ref '${ref}'`);
  const commit = tryGit(root, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  if (!commit) throw new CannotRun(`unknown git ref '${ref}' (try a branch, tag or commit that exists here; in CI fetch it first)`);
  return commit;
}

/** Writes every file under openapi/ at `commit` into a fresh temp dir and returns that dir. */
export async function checkoutSpec(root: string, commit: string): Promise<string> {
  const files = git(root, ["ls-tree", "-r", "--name-only", "-z", commit, "--", "openapi/"]).split("\0").filter(Boolean);
  if (!files.includes(SPEC)) throw new CannotRun(`${SPEC} does not exist at ${commit.slice(0, 12)}`);
  const dir = await mkdtemp(path.join(os.tmpdir(), "spec-diff-base-"));
  for (const file of files) {
    const content = execFileSync("git", ["show", `${commit}:${file}`], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
  return dir;
}

export const removeDir = (dir: string) => rm(dir, { recursive: true, force: true });

/**
 * Bundles the spec at `dir/openapi/login.yaml` (external $refs pulled in, internal ones kept) and
 * checks that it is an OpenAPI 3 document; CannotRun names `label` and what is wrong.
 */
export async function loadSpec(dir: string, label: string): Promise<Json> {
  return loadSpecFile(path.join(dir, SPEC), label, SPEC);
}

/** Bundles and checks one spec file (`name` is how messages call it). */
export async function loadSpecFile(file: string, label: string, name = path.basename(file)): Promise<Json> {
  const SPEC = name;
  if (!existsSync(file)) throw new CannotRun(`${SPEC} does not exist in ${label}`);
  // Loaded here, not at the top: the exit-2 paths (unknown ref, not a repo) should not pay for it.
  const { bundle, createConfig } = await import("@redocly/openapi-core");
  let result;
  try {
    const config = await createConfig({});
    result = await bundle({ ref: file, config, dereference: false });
  } catch (error) {
    throw new CannotRun(`${SPEC} in ${label} cannot be read: ${(error as Error).message.split("\n")[0]}`);
  }
  const problems = result.problems.filter((p) => p.severity === "error").map((p) => p.message);
  if (problems.length > 0) throw new CannotRun(`${SPEC} in ${label} is invalid: ${problems.slice(0, 3).join("; ")}`);
  const doc = result.bundle.parsed as unknown;
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new CannotRun(`${SPEC} in ${label} is not an OpenAPI document (not a YAML mapping)`);
  }
  const spec = doc as Json;
  if (typeof spec.openapi !== "string" || !spec.openapi.startsWith("3.")) {
    throw new CannotRun(`${SPEC} in ${label} is not an OpenAPI 3 document (no 'openapi: 3.x' field)`);
  }
  if (spec.paths === null || typeof spec.paths !== "object") throw new CannotRun(`${SPEC} in ${label} has no 'paths' object`);
  return spec;
}
