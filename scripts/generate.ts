// `npm run generate`: rewrite generated/ from openapi/login.yaml.
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { generateAll, generatedDir, projectRoot } from "./generate-lib.ts";

const root = process.argv[2] ? path.resolve(process.argv[2]) : projectRoot;
const outDir = generatedDir(root);
const files = await generateAll(path.join(root, "openapi", "login.yaml"));
await mkdir(outDir, { recursive: true });
for (const name of await readdir(outDir)) {
  if (!files.has(name)) await rm(path.join(outDir, name), { recursive: true });
}
for (const [name, text] of files) await writeFile(path.join(outDir, name), text);
console.log(`generated ${[...files.keys()].map((n) => `generated/${n}`).join(", ")}`);
