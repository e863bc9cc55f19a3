// Build step: moves the declarations tsc wrote under dist/.declarations/ (rootDir is the project, as
// src/ and testing/ import lib/) to where package.json points: src/ to dist/, lib/ to dist/lib/,
// testing/ to dist/testing/. A src/ declaration's "../lib/" becomes "./lib/" (it moved up one level).
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

const staged = "dist/.declarations";
for (const file of readdirSync(path.join(staged, "src"), { recursive: true })) {
  if (!String(file).endsWith(".d.ts")) continue;
  const text = readFileSync(path.join(staged, "src", String(file)), "utf8");
  writeFileSync(path.join("dist", String(file)), text.replace(/(["'])\.\.\/lib\//g, "$1./lib/"));
}
for (const folder of ["lib", "testing"]) cpSync(path.join(staged, folder), path.join("dist", folder), { recursive: true });
rmSync(staged, { recursive: true, force: true });
