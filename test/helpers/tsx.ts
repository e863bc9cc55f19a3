// Running a TypeScript script in a child process: `node --import <tsx's loader> script.ts`, one process.
// tsx's CLI (`node_modules/.bin/tsx`) starts a second node process for the script, which costs about
// 0.7 s of CPU per run here. The loader is named by its absolute URL, so a child whose working directory
// is not this project (a consumer's scratch project) finds it too.
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** tsx's loader, as `node --import` takes it. */
export const tsxLoader = pathToFileURL(path.join(root, "node_modules", "tsx", "dist", "loader.mjs")).href;

/** The arguments for `process.execPath` that run `script` (TypeScript) with `args`. */
export const tsxArgs = (script: string, ...args: string[]): string[] => ["--import", tsxLoader, script, ...args];
