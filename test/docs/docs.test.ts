// The docs stay true: every relative link and #anchor in README.md and docs/ resolves, and every
// TypeScript snippet there type-checks against the built package (npm test builds dist/ first).
import { readdir, readFile, writeFile, mkdtemp, rm, mkdir } from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";
import os from "node:os";
import { describe, expect, it } from "vitest";
import { checkLinks, checkSnippets, parseDoc, type ParsedDoc } from "../helpers/doc-check.ts";

const root = path.resolve(import.meta.dirname, "../..");

async function projectDocs(): Promise<ParsedDoc[]> {
  const files = ["README.md", ...(await readdir(path.join(root, "docs"))).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
  return Promise.all(files.map(async (f) => parseDoc(f, await readFile(path.join(root, f), "utf8"))));
}

describe("README.md and docs/", () => {
  it("every relative link and #anchor resolves", async () => {
    const docs = await projectDocs();
    const relative = docs.flatMap((d) => d.links).filter((l) => !/^[a-z]+:/i.test(l.href));
    expect(relative.length).toBeGreaterThan(10); // the landing page alone links every docs/ file
    expect(await checkLinks(root, docs)).toEqual([]);
  });

  it("every TypeScript snippet type-checks against the package", async () => {
    expect(existsSync(path.join(root, "dist", "index.d.ts")), "run `npm run build` first (npm test does)").toBe(true);
    const snippets = (await projectDocs()).flatMap((d) => d.snippets).filter((s) => s.lang === "ts" || s.lang === "typescript");
    expect(snippets.length).toBeGreaterThanOrEqual(4);
    expect(await checkSnippets(root, snippets)).toEqual([]);
  }, 120_000);

  it("the landing page stays a landing page: at most 300 lines, with both first commands", async () => {
    const readme = await readFile(path.join(root, "README.md"), "utf8");
    expect(readme.split("\n").length).toBeLessThanOrEqual(300);
    expect(readme).toContain("npm ci && npm run contract");
    expect(readme).toContain("npm ci && npm test");
  });
});

describe("the doc checker itself", () => {
  it("finds a missing file, a missing anchor, and accepts links that resolve", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "doc-check-"));
    try {
      await mkdir(path.join(dir, "docs"));
      await writeFile(path.join(dir, "docs", "a.md"), "# Title\n\n## Two words, `code`!\n");
      const text = [
        "# Here",
        "",
        "[ok](docs/a.md) [ok anchor](docs/a.md#two-words-code) [self](#here)",
        "",
        "[gone](docs/missing.md) [bad anchor](docs/a.md#nope) [web](https://example.com/x#y)",
        "`[not a link](docs/nothing.md)`",
        "",
        "```sh",
        "[also not a link](docs/nothing.md)",
        "```",
      ].join("\n");
      await writeFile(path.join(dir, "README.md"), text);
      const readme = parseDoc("README.md", text);
      const problems = await checkLinks(dir, [readme]);
      expect(problems).toHaveLength(2);
      expect(problems[0]).toMatch(/^README\.md:5 \(docs\/missing\.md\): docs\/missing\.md does not exist/);
      expect(problems[1]).toMatch(/#nope in docs\/a\.md/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("reports a snippet that does not type-check at its Markdown line, and uses the prelude", async () => {
    const doc = parseDoc(
      "docs/x.md",
      [
        "# X",
        "",
        "<!-- doctest-prelude: declare const password: string; -->",
        "```ts",
        'import { createLoginClient } from "dintero-login-kit";',
        'const client = createLoginClient({ accountId: "T12345678", auth: { accessToken: "t" } });',
        'await client.login({ type: "customer", email: "a@example.com", password });',
        "```",
        "",
        "```ts",
        'import { createLoginClient } from "dintero-login-kit";',
        'createLoginClient({ accountId: "T12345678", auth: { accessToken: 5 } });',
        "```",
      ].join("\n"),
    );
    expect(doc.snippets.map((s) => s.prelude)).toEqual(["declare const password: string;", ""]);
    const problems = await checkSnippets(root, doc.snippets);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^docs\/x\.md:12: TS2322/);
  }, 120_000);
});
