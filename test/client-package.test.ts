// The package as a consumer gets it: `npm pack` (which builds), install the tarball in a scratch
// project, type-check against dist/index.d.ts, and run it in plain Node with code generation from
// strings disabled against a local server. Also: src/ uses Web-standard APIs only.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { build, type BuildOptions } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendJson, startLoginServer, type LoginServer } from "./helpers/login-server.ts";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

let scratch: string;
let consumer: string;
let packedFiles: string[];
let server: LoginServer;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), "dintero-login-kit-pack-"));
  // `npm pack` runs `prepare`, i.e. `npm run build`, so this also tests the build.
  const { stdout } = await run(npm, ["pack", "--json", "--pack-destination", scratch], { cwd: root, maxBuffer: 10_000_000 });
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf("["))) as { filename: string; files: { path: string }[] }[];
  packedFiles = packed!.files.map((f) => f.path).sort();

  consumer = path.join(scratch, "consumer");
  const installed = path.join(consumer, "node_modules", "dintero-login-kit");
  await mkdir(installed, { recursive: true });
  await run("tar", ["-xzf", path.join(scratch, path.basename(packed!.filename)), "-C", installed, "--strip-components=1"]);
  // The runtime dependency, as npm would install it next to the package.
  for (const dep of ["openapi-fetch", "openapi-typescript-helpers"]) {
    await symlink(path.join(root, "node_modules", dep), path.join(consumer, "node_modules", dep), "dir");
  }
  await writeFile(path.join(consumer, "package.json"), JSON.stringify({ name: "consumer", type: "module", private: true }));
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
      expect(file).toMatch(/^(dist\/[\w-]+\.(js|d\.ts)|generated\/(schema|validators|client-responses)\.d\.ts|package\.json|README\.md|LICENSE)$/);
    }
    expect(packedFiles).toContain("dist/index.js");
    expect(packedFiles).toContain("dist/index.d.ts");
    expect(packedFiles).toContain("generated/schema.d.ts");
    expect(packedFiles.some((f) => /test|fixture|contract|bench|src\/|openapi\//.test(f))).toBe(false);
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
      },
    });
    expect(pkg.types).toBe("./dist/index.d.ts");
    expect(Object.keys(pkg.dependencies as object)).toEqual(["openapi-fetch"]);
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
      const result = await build({ entryPoints: [path.join(consumer, "app.mjs")], absWorkingDir: consumer, bundle: true, write: false, metafile: true, format: "esm", logLevel: "silent", ...options });
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
      const client: LoginClient = createLoginClient({ accountId: "T12345678", auth: { accessToken: async () => "bearer" } });
      const ok: Promise<AccessToken> = client.login({ type: "customer", email: "a@example.com", password: "pw12" });
      const pin: LoginCredentials = { type: "customer", ident_type: "phone_number", ident: "+4799999999", password: "1234" };
      // @ts-expect-error neither email nor ident
      const none: LoginCredentials = { type: "customer", password: "pw12" };
      // @ts-expect-error type outside the enum
      void client.login({ type: "robot", email: "a@example.com", password: "pw12" });
      export function kindOf(e: unknown): string { return e instanceof LoginError ? e.kind : "other"; }
      void ok; void pin; void none;
    `;
    await writeFile(path.join(consumer, "consumer.ts"), source);
    const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
    const compilerOptions = { strict: true, noEmit: true, module: "nodenext", moduleResolution: "nodenext", target: "es2022", lib: ["es2022", "dom"], types: [], skipLibCheck: false };
    await writeFile(path.join(consumer, "tsconfig.json"), JSON.stringify({ compilerOptions, files: ["consumer.ts"] }));
    const result = await run(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: consumer }).catch((e: { stdout: string }) => e);
    expect((result as { stdout: string }).stdout).toBe("");
  });
});

describe("examples/", () => {
  const tsx = path.join(root, "node_modules", "tsx", "dist", "cli.mjs");

  it("login-with-client-credentials.ts logs in against the packed package without printing secrets", async () => {
    await writeFile(path.join(consumer, "cc.ts"), await readFile(path.join(root, "examples", "login-with-client-credentials.ts"), "utf8"));
    const env = {
      ...process.env,
      DINTERO_ACCOUNT_ID: "T12345678",
      DINTERO_CLIENT_ID: "example-client",
      DINTERO_CLIENT_SECRET: "fake-example-secret",
      DINTERO_BASE_URL: server.baseUrl,
      CUSTOMER_PASSWORD: "fake-example-password",
    };
    const { stdout } = await run(process.execPath, [tsx, "cc.ts", "b@example.com"], { cwd: consumer, env });
    expect(stdout.trim()).toBe("logged in: a Bearer token valid for 60 s");
    expect((server.loginRequests().at(-1)?.json as { email: string }).email).toBe("b@example.com");
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
    const runExample = () => run(process.execPath, [tsx, "cc.ts", "b@example.com"], { cwd: consumer, env }).catch((e: { stderr: string; code: number }) => e) as Promise<{ stderr: string; code: number }>;
    server.login = (_req, res) => sendJson(res, 401, { error: { code: "UNAUTHORIZED", message: "Invalid credentials" } });
    const customer = await runExample();
    expect(customer.code).toBe(1);
    expect(customer.stderr).toMatch(/^login refused \(401, refused: unknown\): wrong email or password/);
    server.login = (_req, res) => sendJson(res, 401, { error: { code: "UNAUTHORIZED", message: "Access forbidden" } }, { "www-authenticate": 'Bearer error="invalid_token"' });
    const bearer = await runExample();
    expect(bearer.stderr).toMatch(/^our bearer was refused \(401, UNAUTHORIZED\): try again; request-id req-0123456789abcdef/);
    expect(`${customer.stderr}${bearer.stderr}`).not.toMatch(/fake-example-(password|secret)/);
  });

  it("login-with-access-token.ts sends the provided bearer, and reports a refusal by kind", async () => {
    await writeFile(path.join(consumer, "at.ts"), await readFile(path.join(root, "examples", "login-with-access-token.ts"), "utf8"));
    const env = { ...process.env, DINTERO_BASE_URL: server.baseUrl, DINTERO_ACCESS_TOKEN: "provided-example-bearer", CUSTOMER_PIN: "4321" };
    server.login = (_req, res) => sendJson(res, 403, { error: { code: "FORBIDDEN", message: "Forbidden" } });
    const result = await run(process.execPath, [tsx, "at.ts", "+4712345678"], { cwd: consumer, env }).catch((e: { stderr: string; code: number }) => e);
    expect((result as { code: number }).code).toBe(1);
    expect((result as { stderr: string }).stderr).toMatch(/^login failed \[forbidden\] request-id req-0123456789abcdef: login was forbidden \(403; the response does not say whether the customer's credentials or the client's bearer\)/);
    expect((result as { stderr: string }).stderr).not.toMatch(/4321|provided-example-bearer/);
    expect(server.loginRequests().at(-1)?.headers.authorization).toBe("Bearer provided-example-bearer");
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
