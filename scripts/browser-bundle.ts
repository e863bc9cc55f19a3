// The client bundled for browsers as a user's bundler would: the entry package.json's "browser" export
// names, from its source, with openapi-fetch and the client validators inlined, minified ESM.
// bench/size.ts measures it and test/client/browser/ runs it.
import { build, type Metafile } from "esbuild";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The source of the file a bundler picks for browsers: `exports["."].browser` is `./dist/<name>.js`,
 * which `npm run build` bundles from `src/<name>.ts`. Read from package.json, so that what is measured
 * and tested is what a browser user gets (test/client/package/package.test.ts checks bundlers pick that file).
 */
export function browserEntryFromPackage(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { exports: Record<string, Record<string, string>> };
  const target = pkg.exports["."]?.browser;
  const name = /^\.\/dist\/([\w-]+)\.js$/.exec(target ?? "")?.[1];
  if (!name) throw new Error(`package.json exports["."].browser must be ./dist/<name>.js, not ${String(target)}`);
  return fileURLToPath(new URL(`../src/${name}.ts`, import.meta.url));
}

export const browserEntry = browserEntryFromPackage();

export interface BrowserBundle {
  /** The minified ES module. */
  code: Uint8Array;
  /** Every input esbuild put into the bundle, relative to the project root, with its bytes in the output. */
  inputs: Record<string, number>;
}

export async function buildBrowserBundle(): Promise<BrowserBundle> {
  const result = await build({
    entryPoints: [browserEntry],
    absWorkingDir: fileURLToPath(new URL("..", import.meta.url)),
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    legalComments: "none",
    metafile: true,
    logLevel: "warning",
  });
  const [output] = Object.values((result.metafile as Metafile).outputs);
  const inputs = Object.fromEntries(Object.entries(output?.inputs ?? {}).map(([file, info]) => [file, info.bytesInOutput]));
  return { code: result.outputFiles[0]!.contents, inputs };
}
