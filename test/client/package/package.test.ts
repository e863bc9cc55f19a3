// The package as a consumer gets it: `npm pack` (of the build npm test makes first), `npm ci` of the tarball in a fresh
// project (offline: the tarball and the registry cache), type-check against dist/index.d.ts, run it in
// plain Node with code generation from strings disabled against a local server, and run the example
// tests of examples/ there against dintero-login-kit/testing. Also: src/ uses Web-standard APIs only,
// and the testing export leaves the client bundles as they are.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { build, type BuildOptions } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeDintero, type RunningFakeDintero } from "../../../testing/index.ts";
import { sendJson, startLoginServer, type LoginServer } from "../../helpers/login-server.ts";
import { tsxArgs } from "../../helpers/tsx.ts";
import { typescriptCompilers } from "../../helpers/typescript-versions.ts";

const run = promisify(execFile);
/** The oldest TypeScript the packed types compile with, skipLibCheck off (README.md, Install): 5.3 fails in openapi-fetch's types. */
const minimumTypeScript = "5.4.5";
/** The newest TypeScript release when this was last checked. */
const newestTypeScript = "7.0.2";
const root = path.resolve(import.meta.dirname, "../../..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

let scratch: string;
let consumer: string;
let installed: string;
let packedFiles: string[];
let installOutput: string;
let server: LoginServer;

type LockEntry = { version: string; dependencies?: Record<string, string> } & Record<string, unknown>;

/**
 * A consumer project whose one dependency is the tarball, with the lock file `npm install` would write
 * (the runtime dependencies' entries as this project's lock has them). npm 11 resolves a dependency
 * without a lock from its full registry document, which the registry cache does not hold; with the lock
 * `npm ci --offline` needs only the cached tarballs, so this test sends nothing beyond the machine.
 */
async function writeConsumer(dir: string, tarball: string, integrity: string): Promise<void> {
  const pkg = JSON.parse(await readFile(path.join(root, "package.json"), "utf8")) as {
    version: string;
    license: string;
    engines: Record<string, string>;
    dependencies: Record<string, string>;
  };
  const rootLock = JSON.parse(await readFile(path.join(root, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };
  const spec = `file:../${path.basename(tarball)}`;
  const packages: Record<string, unknown> = {
    "": { name: "consumer", dependencies: { "dintero-login-kit": spec } },
    "node_modules/dintero-login-kit": {
      version: pkg.version,
      resolved: spec,
      integrity,
      license: pkg.license,
      dependencies: pkg.dependencies,
      engines: pkg.engines,
    },
  };
  const add = (name: string) => {
    const entry = rootLock.packages[`node_modules/${name}`];
    if (!entry) throw new Error(`package-lock.json has no ${name}`);
    packages[`node_modules/${name}`] = entry;
    for (const dep of Object.keys(entry.dependencies ?? {})) add(dep);
  };
  for (const dep of Object.keys(pkg.dependencies)) add(dep);
  await mkdir(dir, { recursive: true });
  await writeFile(
    path.join(dir, "package.json"),
    JSON.stringify({ name: "consumer", type: "module", private: true, dependencies: { "dintero-login-kit": spec } }, null, 2),
  );
  await writeFile(path.join(dir, "package-lock.json"), JSON.stringify({ name: "consumer", lockfileVersion: 3, requires: true, packages }, null, 2));
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), "dintero-login-kit-pack-"));
  // Packs the dist/ that `npm test` built just before (`npm run build`, which is also `prepack`; the test
  // below holds them to one command). Packing with scripts would rebuild dist/, deleting it first, while
  // other test files read it, and spend a second build on the same output.
  const built = await readdir(path.join(root, "dist")).catch((): string[] => []);
  if (!built.includes("index.js")) throw new Error("dist/ is missing: run `npm run build` first (npm test does)");
  const { stdout } = await run(npm, ["pack", "--json", "--ignore-scripts", "--pack-destination", scratch], { cwd: root, maxBuffer: 10_000_000 });
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf("["))) as { filename: string; integrity: string; files: { path: string }[] }[];
  packedFiles = packed!.files.map((f) => f.path).sort();

  consumer = path.join(scratch, "consumer");
  installed = path.join(consumer, "node_modules", "dintero-login-kit");
  await writeConsumer(consumer, path.join(scratch, path.basename(packed!.filename)), packed!.integrity);
  const install = await run(npm, ["ci", "--offline", "--no-audit", "--no-fund"], { cwd: consumer, env: { ...process.env, npm_config_loglevel: "notice" } });
  installOutput = `${install.stdout}${install.stderr}`;
  server = await startLoginServer();
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe("npm pack", () => {
  it("lists only what a consumer needs: dist, the generated types, README, license metadata", async () => {
    const { stdout } = await run(npm, ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root });
    const [dry] = JSON.parse(stdout.slice(stdout.indexOf("["))) as { files: { path: string }[] }[];
    expect(dry!.files.map((f) => f.path).sort()).toEqual(packedFiles);
    for (const file of packedFiles) {
      expect(file).toMatch(
        /^(dist\/(testing\/)?[\w-]+\.(js|d\.ts)|dist\/require\.cjs|dist\/lib\/[\w-]+\.d\.ts|generated\/(schema|validators|client-responses)\.d\.ts|package\.json|README\.md|LICENSE)$/,
      );
    }
    expect(packedFiles).toContain("dist/index.js");
    expect(packedFiles).toContain("dist/index.d.ts");
    expect(packedFiles).toContain("generated/schema.d.ts");
    expect(packedFiles).toContain("dist/testing.js");
    expect(packedFiles).toContain("dist/testing/index.d.ts");
    expect(packedFiles.filter((f) => !/^dist\/testing(\.js$|\/)/.test(f)).some((f) => /test|fixture|contract|bench|src\/|openapi\//.test(f))).toBe(false);
  });

  it("npm pack builds: prepack is the build npm test runs before this file, so the packed dist/ is that build", async () => {
    const { scripts } = JSON.parse(await readFile(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(scripts.prepack).toBe("npm run build");
    expect(scripts.test).toMatch(/npm run build && .*vitest run/);
  });

  it("package.json points exports and types at dist, and ajv is not a runtime dependency", async () => {
    const pkg = JSON.parse(await readFile(path.join(root, "package.json"), "utf8")) as Record<string, unknown>;
    // Conditions are tried in order: server runtimes whose bundlers also set "browser" (Cloudflare's
    // workerd, Vercel's edge-light) get the full client; then browsers; then everything else.
    expect(pkg.exports).toEqual({
      ".": {
        types: "./dist/index.d.ts",
        workerd: "./dist/index.js",
        "edge-light": "./dist/index.js",
        browser: "./dist/browser.js",
        import: "./dist/index.js",
        // require() gets a clear "ES modules only" error instead of Node's ERR_PACKAGE_PATH_NOT_EXPORTED.
        require: "./dist/require.cjs",
      },
      // The fake for consumers' tests: Node only (node:http, node:crypto), its own bundle.
      "./testing": { types: "./dist/testing/index.d.ts", node: "./dist/testing.js" },
    });
    expect(pkg.types).toBe("./dist/index.d.ts");
    expect(Object.keys(pkg.dependencies as object)).toEqual(["openapi-fetch"]);
  });
});

describe("a consumer's install", () => {
  it("npm ci of the tarball prints no warning, runs no script, and brings only openapi-fetch along", async () => {
    expect(installOutput).not.toMatch(/warn|error|install-scripts|prepare/i);
    expect(installOutput).toMatch(/added 3 packages/);
    const modules = (await readdir(path.join(consumer, "node_modules"))).filter((name) => !name.startsWith("."));
    expect(modules).toEqual(["dintero-login-kit", "openapi-fetch", "openapi-typescript-helpers"]);
    // dist/ comes built in the tarball: nothing is left for the consumer to build.
    expect(await readdir(path.join(installed, "dist"))).toContain("testing.js");
  });
});

describe("the built package", () => {
  it("logs in under node --disallow-code-generation-from-strings, and its validators work there", async () => {
    server.login = (req, res) => {
      const body = req.json as { password?: string };
      if (body.password === "wrong-shape") sendJson(res, 200, { access_token: "x", token_type: "Bearer", expires_in: 1.5 });
      else sendJson(res, 200, { access_token: "customer-token", token_type: "Bearer", expires_in: 60 });
    };
    const script = `
      import { createLoginClient, LoginError } from "dintero-login-kit";
      const client = createLoginClient({
        accountId: "T12345678",
        auth: { clientId: "id", clientSecret: "fake-client-secret" },
        baseUrl: process.env.BASE_URL,
      });
      const token = await client.login({ type: "customer", email: "a@example.com", password: "fake-password" });
      const invalid = await client.login({ type: "customer", password: "x" }).catch((e) => e);
      const violation = await client.login({ type: "customer", email: "a@example.com", password: "wrong-shape" }).catch((e) => e);
      let evalBlocked = false;
      try { new Function("return 1"); } catch { evalBlocked = true; }
      console.log(JSON.stringify({
        token,
        invalid: [invalid instanceof LoginError, invalid.kind, invalid.details.map((d) => d.rule)],
        violation: [violation.kind, violation.details[0]],
        evalBlocked,
      }));
    `;
    await writeFile(path.join(consumer, "run.mjs"), script);
    const { stdout } = await run(process.execPath, ["--disallow-code-generation-from-strings", "run.mjs"], {
      cwd: consumer,
      env: { ...process.env, BASE_URL: server.baseUrl },
    });
    expect(JSON.parse(stdout)).toEqual({
      token: { access_token: "customer-token", token_type: "Bearer", expires_in: 60 },
      invalid: [true, "invalid_request", expect.arrayContaining(["minLength", "anyOf"])],
      violation: ["contract_violation", { pointer: "/expires_in", rule: "type", message: "must be integer" }],
      evalBlocked: true,
    });
    expect(server.tokenRequests()).toHaveLength(1);
    expect(server.loginRequests()).toHaveLength(2);
  });

  it("bundlers pick dist/browser.js for browsers and dist/index.js for Node and edge runtimes, by the exports conditions", async () => {
    await writeFile(path.join(consumer, "app.mjs"), `export { createLoginClient } from "dintero-login-kit";\n`);
    const picked = async (options: Pick<BuildOptions, "platform" | "conditions">) => {
      const result = await build({
        entryPoints: [path.join(consumer, "app.mjs")],
        absWorkingDir: consumer,
        bundle: true,
        write: false,
        metafile: true,
        format: "esm",
        logLevel: "silent",
        ...options,
      });
      return Object.keys(result.metafile.inputs).filter((file) => file.includes("dintero-login-kit/"));
    };
    expect(await picked({ platform: "browser" })).toEqual(["node_modules/dintero-login-kit/dist/browser.js"]);
    expect(await picked({ platform: "node" })).toEqual(["node_modules/dintero-login-kit/dist/index.js"]);
    // Cloudflare's wrangler bundles with the workerd, worker and browser conditions: a server, so the full client.
    expect(await picked({ platform: "browser", conditions: ["workerd", "worker", "browser"] })).toEqual(["node_modules/dintero-login-kit/dist/index.js"]);
    expect(await picked({ platform: "browser", conditions: ["edge-light", "browser"] })).toEqual(["node_modules/dintero-login-kit/dist/index.js"]);
  });

  it("the browser export (node --conditions=browser) refuses { clientId, clientSecret } without a document, and logs in with { accessToken }", async () => {
    server.login = (_req, res) => sendJson(res, 200, { access_token: "customer-token", token_type: "Bearer", expires_in: 60 });
    const script = `
      import { createLoginClient } from "dintero-login-kit"; // resolved with --conditions=browser
      const refused = (() => { try { createLoginClient({ accountId: "T12345678", auth: { clientId: "id", clientSecret: "fake-client-secret-b" } }); } catch (e) { return e; } })();
      const client = createLoginClient({ accountId: "T12345678", auth: { accessToken: "provided-bearer" }, baseUrl: process.env.BASE_URL });
      const token = await client.login({ type: "customer", email: "a@example.com", password: "fake-password" });
      console.log(JSON.stringify({ refused: [refused?.kind, refused?.details?.map((d) => d.rule), String(refused).includes("fake-client-secret-b")], token }));
    `;
    await writeFile(path.join(consumer, "browser-entry.mjs"), script);
    const before = server.tokenRequests().length;
    const { stdout } = await run(process.execPath, ["--conditions=browser", "--disallow-code-generation-from-strings", "browser-entry.mjs"], {
      cwd: consumer,
      env: { ...process.env, BASE_URL: server.baseUrl },
    });
    expect(JSON.parse(stdout)).toEqual({
      refused: ["invalid_request", ["browser"], false],
      token: { access_token: "customer-token", token_type: "Bearer", expires_in: 60 },
    });
    expect(server.tokenRequests()).toHaveLength(before);
  });

  it("type-checks a consumer against dist/index.d.ts (skipLibCheck off), rejecting bad bodies", async () => {
    const source = `
      import { createLoginClient, LoginError, type AccessToken, type LoginClient, type LoginCredentials } from "dintero-login-kit";
      import { createFakeDintero, startFakeDintero, type FakeDintero, type RunningFakeDintero } from "dintero-login-kit/testing";
      const client: LoginClient = createLoginClient({ accountId: "T12345678", auth: { accessToken: async () => "bearer" } });
      // @ts-expect-error client credentials and a bearer at once
      createLoginClient({ accountId: "T12345678", auth: { clientId: "id", clientSecret: "secret", accessToken: "bearer" } });
      const ok: Promise<AccessToken> = client.login({ type: "customer", email: "a@example.com", password: "pw12" });
      const pin: LoginCredentials = { type: "customer", ident_type: "phone_number", ident: "+4799999999", password: "1234" };
      // @ts-expect-error neither email nor ident
      const none: LoginCredentials = { type: "customer", password: "pw12" };
      // @ts-expect-error type outside the enum
      void client.login({ type: "robot", email: "a@example.com", password: "pw12" });
      export function kindOf(e: unknown): string { return e instanceof LoginError ? e.kind : "other"; }
      // the testing export's types
      const fake: FakeDintero = createFakeDintero({ users: [{ type: "customer", phone: "+4799999999", password: "1234" }] });
      fake.scenario("rate_limited", { retryAfterSeconds: 5, times: 1 });
      // @ts-expect-error slow needs its delayMs
      fake.scenario("slow");
      const withFake: LoginClient = createLoginClient({ accountId: fake.accountId, auth: { clientId: "fake-client-id", clientSecret: "fake-client-secret" }, fetch: fake.fetch });
      export async function started(): Promise<string> { const running: RunningFakeDintero = await startFakeDintero(); await running.close(); return running.url; }
      void ok; void pin; void none; void withFake;
    `;
    await writeFile(path.join(consumer, "consumer.ts"), source);
    const compilerOptions = {
      strict: true,
      noEmit: true,
      module: "nodenext",
      moduleResolution: "nodenext",
      target: "es2022",
      lib: ["es2022", "dom"],
      types: [],
      skipLibCheck: false,
      // TypeScript's own lib files (lib.dom.d.ts and the rest) are not the package's: checking them cost
      // each compiler about 1.5 s of CPU here. Every other declaration file is still checked, the
      // package's dist/*.d.ts and generated/*.d.ts and openapi-fetch's: an error in any of them fails.
      skipDefaultLibCheck: true,
    };
    await writeFile(path.join(consumer, "tsconfig.json"), JSON.stringify({ compilerOptions, files: ["consumer.ts"] }));
    // This project's TypeScript, the minimum README.md states, and the newest release: the two others
    // installed once into a cache that later runs reuse (test/helpers/typescript-versions.ts), not into
    // this project (their `tsc` bins would collide with its own).
    const others = await typescriptCompilers([minimumTypeScript, newestTypeScript]);
    const compilers = [path.join(root, "node_modules", "typescript", "bin", "tsc"), ...Object.values(others)];
    for (const tsc of compilers) {
      const result = await run(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: consumer }).catch((e: { stdout: string }) => e);
      const { stdout: version } = await run(process.execPath, [tsc, "--version"]);
      expect([version.trim(), (result as { stdout: string }).stdout]).toEqual([version.trim(), ""]);
    }
    expect(compilers).toHaveLength(3);
  }, 180_000);

  it("require() gets a clear message: the package is ES modules only", async () => {
    const result = await run(process.execPath, ["-e", 'require("dintero-login-kit")'], { cwd: consumer }).catch((e: { stderr: string }) => e);
    expect((result as { stderr: string }).stderr).toMatch(/dintero-login-kit is ES modules only: use `import/);
  });
});

describe("examples/", () => {
  it("login-route.test.ts and session-route.test.ts pass in the consumer project, against dintero-login-kit/testing from the tarball", async () => {
    for (const file of ["login-route.ts", "login-route.test.ts", "session-route.ts", "session-route.test.ts"])
      await writeFile(path.join(consumer, file), await readFile(path.join(root, "examples", file), "utf8"));
    // The consumer's own test runner (offline here, so linked from this project rather than installed).
    await symlink(path.join(root, "node_modules", "vitest"), path.join(consumer, "node_modules", "vitest"), "dir");
    const { stdout } = await run(
      process.execPath,
      [path.join(root, "node_modules", "vitest", "vitest.mjs"), "run", "--root", consumer, "login-route.test.ts", "session-route.test.ts"],
      { cwd: consumer, env: { ...process.env, NO_COLOR: "1" } },
    );
    expect(stdout).toMatch(/Tests\s+6 passed \(6\)/);
    expect(stdout).toContain("login-route.test.ts");
    expect(stdout).toContain("session-route.test.ts");
  });

  it("login-with-client-credentials.ts tells a refused customer from a refused bearer", async () => {
    await writeFile(path.join(consumer, "cc.ts"), await readFile(path.join(root, "examples", "login-with-client-credentials.ts"), "utf8"));
    const env = {
      ...process.env,
      DINTERO_ACCOUNT_ID: "T12345678",
      DINTERO_CLIENT_ID: "example-client",
      DINTERO_CLIENT_SECRET: "fake-example-secret",
      DINTERO_BASE_URL: server.baseUrl,
      CUSTOMER_PASSWORD: "fake-example-password",
    };
    const runExample = () =>
      run(process.execPath, tsxArgs("cc.ts", "b@example.com"), { cwd: consumer, env }).catch((e: { stderr: string; code: number }) => e) as Promise<{
        stderr: string;
        code: number;
      }>;
    // The spec's wrong password: the login's 403 (its 401 is documented for an invalid bearer only).
    server.login = (_req, res) => sendJson(res, 403, { error: { code: "FORBIDDEN", message: "Invalid credentials" } });
    const customer = await runExample();
    expect(customer.code).toBe(1);
    expect(customer.stderr).toMatch(/^login refused \(403, refused: unknown\): wrong email or password/);
    server.login = (_req, res) =>
      sendJson(res, 401, { error: { code: "UNAUTHORIZED", message: "Access forbidden" } }, { "www-authenticate": 'Bearer error="invalid_token"' });
    const bearer = await runExample();
    expect(bearer.stderr).toMatch(/^our bearer was refused \(401, UNAUTHORIZED\): try again; request-id req-0123456789abcdef/);
    expect(`${customer.stderr}${bearer.stderr}`).not.toMatch(/fake-example-(password|secret)/);
  });

  describe("against the fake (dintero-login-kit/testing)", () => {
    const exampleClient = { clientId: "example-client", clientSecret: "fake-example-secret" };
    let dintero: RunningFakeDintero;
    beforeAll(async () => {
      dintero = await startFakeDintero({
        clients: [exampleClient],
        users: [
          { type: "customer", email: "b@example.com", password: "fake-example-password" },
          { type: "customer", phone: "+4712345678", password: "8765" },
        ],
      });
    });
    afterAll(() => dintero?.close());

    it("login-with-client-credentials.ts logs in against the packed package without printing secrets", async () => {
      await writeFile(path.join(consumer, "cc.ts"), await readFile(path.join(root, "examples", "login-with-client-credentials.ts"), "utf8"));
      const env = {
        ...process.env,
        DINTERO_ACCOUNT_ID: dintero.accountId,
        DINTERO_CLIENT_ID: exampleClient.clientId,
        DINTERO_CLIENT_SECRET: exampleClient.clientSecret,
        DINTERO_BASE_URL: dintero.url,
        CUSTOMER_PASSWORD: "fake-example-password",
      };
      const { stdout } = await run(process.execPath, tsxArgs("cc.ts", "b@example.com"), { cwd: consumer, env });
      expect(stdout.trim()).toBe("logged in: a Bearer token valid for 86400 s");
      expect(dintero.exchanges.at(-1)).toMatchObject({ operation: "login", status: 200, identity: { email: "b@example.com" } });
    });

    it("login-with-access-token.ts sends the provided bearer, and reports a refusal by kind", async () => {
      await writeFile(path.join(consumer, "at.ts"), await readFile(path.join(root, "examples", "login-with-access-token.ts"), "utf8"));
      // A bearer the fake issued to the example's client, as a token service would hand it out.
      const basic = Buffer.from(`${exampleClient.clientId}:${exampleClient.clientSecret}`).toString("base64");
      const issued = await dintero.fetch(`${dintero.url}/accounts/${dintero.accountId}/auth/token`, {
        method: "POST",
        headers: { authorization: `Basic ${basic}`, "content-type": "application/json" },
        body: JSON.stringify({ grant_type: "client_credentials", audience: dintero.audience }),
      });
      const bearer = ((await issued.json()) as { access_token: string }).access_token;
      const env = { ...process.env, DINTERO_BASE_URL: dintero.url, DINTERO_ACCESS_TOKEN: bearer, CUSTOMER_PIN: "4321" };
      const result = await run(process.execPath, tsxArgs("at.ts", "+4712345678"), { cwd: consumer, env }).catch((e: { stderr: string; code: number }) => e);
      expect((result as { code: number }).code).toBe(1);
      expect((result as { stderr: string }).stderr).toMatch(
        /^login failed \[forbidden\] request-id [0-9a-f]{16}: login was forbidden \(403; the response does not say whether the customer's credentials or the client's bearer\): Forbidden/,
      );
      expect((result as { stderr: string }).stderr).not.toMatch(/4321|8765/);
      expect((result as { stderr: string }).stderr).not.toContain(bearer);
      // the provided bearer was the one used: the fake knows whose it is
      expect(dintero.exchanges.at(-1)).toMatchObject({
        operation: "login",
        status: 403,
        clientId: exampleClient.clientId,
        identity: { ident_type: "phone_number", ident: "+4712345678" },
      });
    });
  });
});

describe("the testing export does not grow the client bundles", () => {
  /** The client half of `npm run build`: it must stay a build of src/ alone. */
  const CLIENT_BUILD = "esbuild src/index.ts src/browser.ts --bundle --format=esm --platform=neutral --target=es2022 --external:openapi-fetch --outdir=dist";

  it("dist/index.js and dist/browser.js in the tarball are byte for byte a build of src/ alone, with no module of testing/", async () => {
    const pkg = JSON.parse(await readFile(path.join(root, "package.json"), "utf8")) as { scripts: { build: string } };
    expect(pkg.scripts.build).toContain(`${CLIENT_BUILD} `);
    const alone = await build({
      absWorkingDir: root,
      entryPoints: ["src/index.ts", "src/browser.ts"],
      bundle: true,
      format: "esm",
      platform: "neutral",
      target: "es2022",
      external: ["openapi-fetch"],
      outdir: "dist",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    expect(
      Object.keys(alone.metafile.inputs).filter(
        (file) =>
          !file.startsWith("src/") &&
          !file.startsWith("lib/") &&
          !file.startsWith("generated/client-validators") &&
          !file.startsWith("generated/client-responses") &&
          !file.startsWith("generated/validators") &&
          !file.includes("openapi-fetch"),
      ),
    ).toEqual([]);
    for (const output of alone.outputFiles) {
      const name = path.basename(output.path);
      const shipped = await readFile(path.join(installed, "dist", name));
      expect(shipped.length, name).toBe(output.contents.length);
      expect(Buffer.compare(shipped, Buffer.from(output.contents)), name).toBe(0);
    }
    expect(alone.outputFiles.map((o) => path.basename(o.path)).sort()).toEqual(["browser.js", "index.js"]);
  });

  it("dist/testing.js is its own bundle: the client's entries import nothing of it", async () => {
    for (const file of ["index.js", "browser.js"]) {
      const bundle = await readFile(path.join(installed, "dist", file), "utf8");
      expect(bundle).not.toMatch(/createFakeDintero|startFakeDintero|testing\.js|node:http/);
    }
    const testing = await readFile(path.join(installed, "dist", "testing.js"), "utf8");
    expect(testing).toContain("startFakeDintero");
    expect([...testing.matchAll(/^import .* from ["']([^"']+)["'];?$/gm)].map((m) => m[1]).sort()).toEqual(["node:crypto", "node:crypto", "node:http"]);
  });
});

describe("Web-standard APIs only", () => {
  async function sourceFiles(dir: string): Promise<string[]> {
    const entries = await readdir(dir, { withFileTypes: true, recursive: true });
    return entries.filter((e) => e.isFile() && e.name.endsWith(".ts")).map((e) => path.join(e.parentPath, e.name));
  }

  it("src/ has no node: imports, no Buffer, no require, and nothing from contract-tests/ or scripts/", async () => {
    const files = await sourceFiles(path.join(root, "src"));
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      const text = await readFile(file, "utf8");
      expect(text, file).not.toMatch(/from\s+["']node:|import\(\s*["']node:/);
      expect(text, file).not.toMatch(/\bBuffer\b/);
      expect(text, file).not.toMatch(/\brequire\(/);
      expect(text, file).not.toMatch(/from\s+["'][./]*(contract-tests|scripts)\//);
    }
  });

  for (const file of ["index.js", "browser.js"]) {
    it(`dist/${file} imports only openapi-fetch and compiles no code (no ajv, eval or new Function)`, async () => {
      const bundle = await readFile(path.join(root, "dist", file), "utf8");
      const imports = [...bundle.matchAll(/^import .* from ["']([^"']+)["'];?$/gm)].map((m) => m[1]);
      expect(imports).toEqual(["openapi-fetch"]);
      expect(bundle).not.toMatch(/\bajv\b|\beval\(|new Function\(|\bBuffer\b|node:/);
    });
  }
});
