// lib/: modules that run anywhere (Node, browsers, edge runtimes): Web APIs only, one header line saying what each is for.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";

const dir = path.resolve(import.meta.dirname, "../../lib");

describe("lib/", async () => {
  const files = (await readdir(dir)).filter((f) => f.endsWith(".ts")).sort();
  it("has the shared modules", () => {
    for (const name of ["base64", "basic-auth", "json-pointer", "jwt", "loopback", "media-type", "provenance", "redact", "retry-after", "www-authenticate"])
      expect(files).toContain(`${name}.ts`);
  });
  it.each(files)("%s imports only lib/ modules and uses no Node globals", async (file) => {
    const text = await readFile(path.join(dir, file), "utf8");
    const imports = [...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+["']([^"']+)["']/gm)].map((m) => m[1]);
    for (const specifier of imports) expect(specifier, file).toMatch(/^\.\/[\w-]+\.ts$/);
    const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, ""); // comments may name anything
    expect(code, file).not.toMatch(/\b(?:Buffer|process|require|__dirname|setImmediate)\b|["']node:/);
    expect(text.split("\n")[0], file).toMatch(/^\/\/ \S.{10,}/);
  });
});
