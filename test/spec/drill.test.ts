// The spec drill (issue 22 §3): realistic edits a maintainer makes to openapi/login.yaml, applied one at a
// time to a scratch copy of the project. For each: generate; build the client (Node and browser entries)
// and construct a client with each; run the conformance suite at its strictest against the fake, both
// reading the copy's generated model; and spec:diff, whose verdict must be the one the edit deserves. The
// flow stays green unless the edit breaks consumers, and then spec:diff says so.
import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { tsxArgs } from "../helpers/tsx.ts";

const run = promisify(execFile);
const projectRoot = fileURLToPath(new URL("../..", import.meta.url));
const specFile = path.join(projectRoot, "openapi", "login.yaml");

interface Edit {
  name: string;
  /** The anchor text in openapi/login.yaml and what replaces it; a missing anchor fails, naming the edit to update. */
  find: string;
  replace: string;
  /** spec:diff's verdict for consumers of the client. */
  verdict: "breaking" | "compatible";
  /** A rule the edit adds to the login body: the suite must fail a fake that ignores it and answers such a login `status`. */
  newRule?: { keywords: string[]; instancePath: string; status: number };
}

const curated = (why: string) => `x-curated: "Added by the spec drill (test/spec/drill.test.ts) to prove ${why} flows through."`;

const EDITS: Edit[] = [
  {
    name: "an optional response property (scope on the access token)",
    // AccessToken's refresh_token (the refresh grant's request body has one too)
    find: "        refresh_token:\n          type: string\n          description: |\n            Token that can be used",
    replace: `        scope:\n          type: string\n          description: The scopes the token carries, space-separated.\n          ${curated("an optional response property")}\n        refresh_token:\n          type: string\n          description: |\n            Token that can be used`,
    verdict: "compatible",
  },
  {
    name: "a pattern and maxLength: 254 on the login email",
    find: "        email:\n          type: string\n          description: Required if",
    replace: "        email:\n          type: string\n          pattern: ^[^@\\s]+@[^@\\s]+$\n          maxLength: 254\n          description: Required if",
    verdict: "breaking",
    newRule: { keywords: ["pattern", "maxLength"], instancePath: "/email", status: 401 },
  },
  {
    name: "a higher password minimum (8), the PIN example updated",
    find: "          minLength: 4\n          maxLength: 255\n          writeOnly: true\n",
    replace: "          minLength: 8\n          maxLength: 255\n          writeOnly: true\n",
    verdict: "breaking",
  },
  {
    name: "422 documented on the login",
    find: "        '400':\n          $ref: '#/components/responses/BadRequest'\n",
    replace: "        '400':\n          $ref: '#/components/responses/BadRequest'\n        '422':\n          $ref: '#/components/responses/BadRequest'\n",
    verdict: "compatible",
  },
  {
    // Today's spec already documents 429 on the login (x-curated); a newly documented status that carries
    // Retry-After is the same kind of change.
    name: "503 with Retry-After documented on the login",
    find: "        '500':\n          $ref: '#/components/responses/ServerError'\n  /accounts/{oid}/auth/token:",
    replace: `        '500':\n          $ref: '#/components/responses/ServerError'\n        '503':\n          description: Service Unavailable; try again after Retry-After seconds.\n          ${curated("a newly documented status with Retry-After")}\n          headers:\n            Retry-After:\n              $ref: '#/components/headers/RetryAfter'\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Error'\n  /accounts/{oid}/auth/token:`,
    verdict: "compatible",
  },
  {
    name: "an optional request property (remember_me on the login body)",
    find: "        ident_type:\n          $ref: '#/components/schemas/IdentType'\n        ident:\n          type: string\n          description: Email or phone_number",
    replace: `        remember_me:\n          type: boolean\n          description: Keep the customer logged in longer.\n          ${curated("an optional request property")}\n        ident_type:\n          $ref: '#/components/schemas/IdentType'\n        ident:\n          type: string\n          description: Email or phone_number`,
    verdict: "compatible",
  },
  {
    name: "an enum value added to the login's type",
    find: "          enum: [customer, company]\n",
    replace: "          enum: [customer, company, partner]\n",
    verdict: "compatible",
  },
  {
    name: "a documented response header on the login's success",
    find: "    LoginSuccess:\n      description: Success\n      x-source: https://docs.dintero.com/api-reference/password/login-with-emailpassword\n      headers:\n",
    replace: `    LoginSuccess:\n      description: Success\n      x-source: https://docs.dintero.com/api-reference/password/login-with-emailpassword\n      headers:\n        X-Session-Id:\n          description: An id of the customer's session.\n          ${curated("a documented response header")}\n          schema:\n            type: string\n`,
    verdict: "compatible",
  },
];

/** The PIN example stays valid when the password minimum is raised (a maintainer updates examples with rules). */
const FOLLOW_UPS: Record<string, [string, string]> = {
  [EDITS[2]!.name]: [
    "                ident: '+4799999999'\n                password: '1234'\n",
    "                ident: '+4799999999'\n                password: '12345678'\n",
  ],
};

let work: string;
let original: string;
const results = new Map<string, Record<string, any>>();

/**
 * The spec before and after `edit`. A maintainer who made the edit (took it from EDITS into
 * openapi/login.yaml) has today's spec as its "after": the drill then drills the same change from the spec
 * without it, so `npm test` stays green with the edit in. A missing anchor, or an edit that would add what
 * the spec already has in other words (a duplicated key), fails naming the edit to update.
 */
function specsOf(edit: Edit): { before?: string; after: string } {
  const followUp = FOLLOW_UPS[edit.name];
  if (original.includes(edit.replace) && (!followUp || original.includes(followUp[1]))) {
    const before = original.replace(edit.replace, edit.find);
    return { before: followUp ? before.replace(followUp[1], followUp[0]) : before, after: original };
  }
  if (!original.includes(edit.find))
    throw new Error(`the drill edit "${edit.name}" no longer applies: openapi/login.yaml lost its anchor; update EDITS in test/spec/drill.test.ts`);
  const text = original.replace(edit.find, edit.replace);
  const after = followUp ? text.replace(...followUp) : text;
  try {
    parseYaml(after, { uniqueKeys: true });
  } catch (error) {
    throw new Error(
      `the drill edit "${edit.name}" adds what openapi/login.yaml already has (${(error as Error).message.split("\n")[0]}): ` +
        "if the spec took this change in other words, update EDITS in test/spec/drill.test.ts",
    );
  }
  return { after };
}

beforeAll(async () => {
  original = await readFile(specFile, "utf8");
  work = await mkdtemp(path.join(os.tmpdir(), "spec-drill-"));
  // One copy per edit (the parts the steps read; node_modules linked), drilled by two processes.
  const roots = await Promise.all(
    EDITS.map(async (edit, i) => {
      const root = path.join(work, `edit-${i}`);
      for (const dir of ["src", "scripts", "generated", "contract-tests", "testing", "openapi", "lib"]) {
        if (existsSync(path.join(projectRoot, dir))) await cp(path.join(projectRoot, dir), path.join(root, dir), { recursive: true });
      }
      for (const file of ["package.json", "tsconfig.json"]) await cp(path.join(projectRoot, file), path.join(root, file));
      await symlink(path.join(projectRoot, "node_modules"), path.join(root, "node_modules"), "dir");
      const specs = specsOf(edit);
      await writeFile(path.join(root, "openapi", "login.yaml"), specs.after);
      // spec:diff's base: the project's spec, or the spec without the edit when the project has taken it
      if (specs.before !== undefined) await writeFile(path.join(root, "drill-base.yaml"), specs.before);
      if (edit.newRule) await writeFile(path.join(root, "drill-breakage.json"), JSON.stringify(edit.newRule));
      return root;
    }),
  );
  // Two processes, each drilling every other copy: `npm test` runs the drill alone, so both cores are free.
  const halves = [roots.filter((_, i) => i % 2 === 0), roots.filter((_, i) => i % 2 === 1)];
  const outputs = await Promise.all(
    halves.map((some) =>
      run(process.execPath, tsxArgs(path.join(projectRoot, "test", "spec", "drill-step.ts"), specFile, ...some), {
        cwd: projectRoot,
        maxBuffer: 64 << 20,
      }),
    ),
  );
  for (const line of outputs
    .map((o) => o.stdout.trim())
    .join("\n")
    .split("\n")) {
    const r = JSON.parse(line) as Record<string, any>;
    results.set(EDITS[roots.indexOf(r.root)]!.name, r);
  }
}, 300_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe("the drill's documentation", () => {
  it("docs/spec.md lists every edit with its verdict", async () => {
    const doc = await readFile(path.join(projectRoot, "docs", "spec.md"), "utf8");
    const section = doc.slice(doc.indexOf("### The spec drill"), doc.indexOf("\n### ", doc.indexOf("### The spec drill") + 1));
    const rows = [...section.matchAll(/^\| (.+) \| (breaking|compatible) \|$/gm)].map((m) => `${m[1]}: ${m[2]}`);
    expect(rows).toEqual(EDITS.map((e) => `${e.name}: ${e.verdict}`));
  });
});

describe("the spec drill: each edit keeps the flow green unless it breaks consumers, and spec:diff says which", () => {
  for (const edit of EDITS) {
    it(edit.name, () => {
      const r = results.get(edit.name)!;
      expect(r.error, "the drill ran").toBeUndefined();
      expect(r.generated, "generate").toBeGreaterThan(0);
      expect(r.constructed, "both builds construct a client").toEqual(["index", "browser"]);
      expect(r.suite.failures, "the suite, at its strictest, against the fake following the edited spec").toEqual([]);
      expect(r.suite.exitCode).toBe(0);
      expect(r.diff.compileErrors, "src/ compiles against the new types").toEqual([]);
      expect(r.diff.kind, `spec:diff's verdict (${JSON.stringify(r.diff.summary)})`).toBe(edit.verdict);
      if (!edit.newRule) return;
      // The suite derived cases from the new rule with no code change: a fake that ignores it, answering such a
      // login 401 instead of an invalid-request status, fails negative_data_rejection on the rule's place.
      const bent = r.ignoresNewRule as {
        exitCode: number;
        failures: Array<{ check: string; severity: string; caseId: string; status: number; pointer: string }>;
      };
      expect(bent.exitCode).toBe(1);
      const caught = bent.failures.filter((f) => f.check === "negative_data_rejection" && f.pointer === edit.newRule!.instancePath);
      expect(caught.length, JSON.stringify(bent.failures)).toBeGreaterThan(0);
      expect(caught.every((f) => f.severity === "contract" && f.status === edit.newRule!.status)).toBe(true);
      for (const keyword of edit.newRule.keywords)
        expect(
          caught.some((f) => f.caseId.includes(`.${keyword}.`)),
          keyword,
        ).toBe(true);
    });
  }
});
