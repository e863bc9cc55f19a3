// The client bundled for browsers as a user's bundler would: src/index.ts with openapi-fetch and the
// client validators inlined, minified ESM. bench/size.ts measures it and test/browser/ runs it.
import { build, type Metafile } from "esbuild";
import { fileURLToPath } from "node:url";

export const browserEntry = fileURLToPath(new URL("../src/index.ts", import.meta.url));

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
