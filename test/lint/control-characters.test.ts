// The linter keeps raw control bytes out of regular expressions: a backspace (0x08) typed where `\b` was
// meant never matches and no type checker notices. `npm run lint` runs Biome with biome.jsonc; this test
// runs the same binary and configuration on two one-line files, one with the raw byte and one with `\b`.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const biome = path.join(root, "node_modules", ".bin", "biome");

function lint(file: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) =>
    execFile(biome, ["lint", "--colors=off", `--config-path=${path.join(root, "biome.jsonc")}`, file], { timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, output: `${stdout}${stderr}` }),
    ),
  );
}

describe("biome: noControlCharactersInRegex", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "lint-control-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("fails a regex that holds a raw backspace byte, naming the rule", async () => {
    const file = path.join(dir, "raw.ts");
    await writeFile(file, `export const wordEnd = /secret${String.fromCharCode(8)}/;\n`);
    const { code, output } = await lint(file);
    expect(code).not.toBe(0);
    expect(output).toContain("lint/suspicious/noControlCharactersInRegex");
  });

  it("passes the same regex with the escape `\\b` that was meant", async () => {
    const file = path.join(dir, "escaped.ts");
    await writeFile(file, "export const wordEnd = /secret\\b/;\n");
    const { code, output } = await lint(file);
    expect(output).not.toContain("noControlCharactersInRegex");
    expect(code).toBe(0);
  });
});
