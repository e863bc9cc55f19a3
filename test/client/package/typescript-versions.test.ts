// The TypeScript releases the package test type-checks with are installed once and reused, not once per run.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { typescriptCompilers, type Installer } from "../../helpers/typescript-versions.ts";

const root = await mkdtemp(path.join(tmpdir(), "ts-versions-test-"));
afterAll(() => rm(root, { recursive: true, force: true }));

/** An installer that writes a stand-in `tsc` for each aliased package and counts its runs. */
function fakeInstaller(): Installer & { runs: string[][] } {
  const runs: string[][] = [];
  const install = async (dir: string, packages: string[]) => {
    runs.push(packages);
    for (const spec of packages) {
      const name = spec.slice(0, spec.indexOf("@npm:"));
      await mkdir(path.join(dir, "node_modules", name, "bin"), { recursive: true });
      await writeFile(path.join(dir, "node_modules", name, "bin", "tsc"), "");
    }
  };
  return Object.assign(install, { runs });
}

describe("typescriptCompilers", () => {
  it("installs every version in one npm run, then reuses the cache", async () => {
    const install = fakeInstaller();
    const dir = path.join(root, "cache-a");
    const first = await typescriptCompilers(["5.4.5", "7.0.2"], install, dir);
    const second = await typescriptCompilers(["5.4.5", "7.0.2"], install, dir);
    expect(install.runs).toEqual([["typescript-5.4.5@npm:typescript@5.4.5", "typescript-7.0.2@npm:typescript@7.0.2"]]);
    expect(second).toEqual(first);
    expect(first["5.4.5"]).toBe(path.join(dir, "node_modules", "typescript-5.4.5", "bin", "tsc"));
  });

  it("installs again over a cache a killed run left without its marker", async () => {
    const install = fakeInstaller();
    const dir = path.join(root, "cache-b");
    await mkdir(path.join(dir, "node_modules", "typescript-5.4.5", "bin"), { recursive: true });
    await typescriptCompilers(["5.4.5"], install, dir);
    expect(install.runs).toHaveLength(1);
  });
});
