// `npm run generate:check`: fail, naming the stale files, when generated/ does not match openapi/.
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { generateAll, generatedDir, projectRoot } from "./generate-lib.ts";

const root = process.argv[2] ? path.resolve(process.argv[2]) : projectRoot;
const outDir = generatedDir(root);
const expected = await generateAll(path.join(root, "openapi", "login.yaml"));
const present = new Set(await readdir(outDir).catch(() => [] as string[]));
const problems: string[] = [];
for (const [name, text] of expected) {
  if (!present.has(name)) problems.push(`generated/${name} is missing`);
  else if ((await readFile(path.join(outDir, name), "utf8")) !== text) problems.push(`generated/${name} is stale`);
}
for (const name of present) if (!expected.has(name)) problems.push(`generated/${name} is not produced by the spec`);
if (problems.length > 0) {
  console.error(`generated/ does not match openapi/login.yaml:\n  ${problems.join("\n  ")}\nRun \`npm run generate\` and commit the result.`);
  process.exit(1);
}
console.log(`generated/ is up to date (${expected.size} files)`);
