// How the browser test finds Chromium and what it does without one (skip with one line; fail under CI).
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserTestPlan, chromiumCandidates, findChromium } from "../../helpers/chromium.ts";

let dir: string;
let executable: string;
let notExecutable: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "find-chromium-"));
  executable = path.join(dir, "chromium-executable");
  notExecutable = path.join(dir, "chromium-not-executable");
  await writeFile(executable, "#!/bin/sh\n");
  await chmod(executable, 0o755);
  await writeFile(notExecutable, "");
  await chmod(notExecutable, 0o644);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("finding Chromium", () => {
  it("looks at CHROMIUM_PATH first, then Debian's headless shell, then Debian's chromium binary", () => {
    expect(chromiumCandidates({ CHROMIUM_PATH: "/opt/c/chrome" })).toEqual([
      "/opt/c/chrome",
      "/usr/lib/chromium/chromium-headless-shell",
      "/usr/lib/chromium/chromium",
    ]);
    expect(chromiumCandidates({})).toEqual(["/usr/lib/chromium/chromium-headless-shell", "/usr/lib/chromium/chromium"]);
  });

  it("takes the first executable file, skipping missing and non-executable ones", () => {
    expect(findChromium([path.join(dir, "missing"), notExecutable, executable])).toBe(executable);
    expect(findChromium([path.join(dir, "missing"), notExecutable])).toBeUndefined();
  });

  it("runs when found; skips with one line naming the install command; fails when CI is set", () => {
    expect(browserTestPlan(executable, {})).toEqual({ run: true, executable });
    const skipped = browserTestPlan(undefined, {});
    expect(skipped).toEqual({
      run: false,
      skipLine: expect.stringMatching(/^browser test skipped: no Chromium found .*apt-get install -y --no-install-recommends chromium-headless-shell/),
    });
    expect("skipLine" in skipped && skipped.skipLine.includes("\n")).toBe(false);
    expect(browserTestPlan(undefined, { CI: "true" })).toEqual({ run: false, failure: expect.stringMatching(/^CI is set and no Chromium was found/) });
    expect(browserTestPlan(undefined, { CI: "false" })).toHaveProperty("skipLine");
  });
});
