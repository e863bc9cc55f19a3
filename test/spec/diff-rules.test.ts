// spec:diff's rules for the bug classes of issue 18, each on the fixture base with one edit: both specs
// bundled from files (loadSpecFile), then the schema rules and the type level (diffSpecs), in this process.
// The way CI reaches them, through git (runSpecDiff: the base spec read at a ref, the working tree's
// against it), is tested in diff.test.ts, whose fixtures go through it; here it would add a throwaway
// repository and about ten git processes to each of 30 comparisons.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { loadSpecFile } from "../../scripts/spec-diff/load-spec.ts";
import { diffSpecs, type SpecComparison } from "../../scripts/spec-diff/run.ts";
import { readFixture } from "../helpers/spec-repo.ts";

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let scratch = "";
beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), "spec-diff-rules-"));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));
let judged = 0;

/** The fixture base before and after `edit` (applied to a parsed copy; `editBase` changes both sides). */
async function judge(edit: (d: Doc) => void, editBase: (d: Doc) => void = () => {}): Promise<SpecComparison> {
  const base = parse(await readFixture("base.yaml")) as Doc;
  editBase(base);
  const after = structuredClone(base);
  edit(after);
  const n = judged++;
  const [beforeFile, afterFile] = [path.join(scratch, `${n}-before.yaml`), path.join(scratch, `${n}-after.yaml`)];
  await writeFile(beforeFile, stringify(base));
  await writeFile(afterFile, stringify(after));
  return diffSpecs(await loadSpecFile(beforeFile, "the base"), await loadSpecFile(afterFile, "the edit"));
}
const op = (d: Doc) => d.paths["/accounts/{aid}/sessions"].post as Doc;
const rules = (r: SpecComparison) =>
  r.changes
    .filter((c) => c.kind !== "documentation-only")
    .map((c) => `${c.kind} ${c.rule}`)
    .sort();

describe("whole enums", () => {
  it("an enum added to a request property narrows it (breaking); removed, widens it (compatible)", async () => {
    const added = await judge((d) => {
      d.components.schemas.Credentials.properties.email.enum = ["a@example.com"];
    });
    expect(rules(added)).toEqual(["breaking enum-added"]);
    const removed = await judge((d) => {
      delete d.components.schemas.Credentials.properties.type.enum;
    });
    expect(rules(removed)).toEqual(["compatible enum-removed"]);
  });
  it("an enum removed from a response property widens it (breaking); added, narrows it (compatible)", async () => {
    const removed = await judge((d) => {
      delete d.components.schemas.Session.properties.token_type.enum;
    });
    expect(rules(removed)).toEqual(["breaking enum-removed"]);
    expect(removed.kind).toBe("breaking");
    const added = await judge((d) => {
      d.components.schemas.Session.properties.refresh_token.enum = ["rt_1"];
    });
    expect(rules(added)).toEqual(["compatible enum-added"]);
  });
});

describe("re-declared path-level parameters", () => {
  const redeclare = (d: Doc) => {
    d.paths["/accounts/{aid}/sessions"].parameters = [{ $ref: "#/components/parameters/AccountId" }];
    op(d).parameters = [{ ...d.components.parameters.AccountId }];
  };
  it("two identical specs that re-declare a path-level parameter in the operation: no change", async () => {
    const r = await judge(() => {}, redeclare);
    expect(r.kind).toBe("none");
  });
  it("moving a parameter from the operation to the path level (or re-declaring it): no change", async () => {
    const r = await judge(redeclare);
    expect(r.kind).toBe("none");
  });
  it("the operation's own declaration wins over the path level's", async () => {
    const r = await judge((d) => {
      redeclare(d);
      op(d).parameters[0].schema = { type: "string" };
    });
    expect(rules(r)).toEqual(["compatible pattern-removed"]);
  });
});

describe("statuses and media types", () => {
  it("a success status removed is breaking; an error status removed or added is compatible", async () => {
    expect(
      rules(
        await judge((d) => {
          delete op(d).responses["200"];
        }),
      ),
    ).toEqual(["breaking success-status-removed"]);
    expect(
      rules(
        await judge((d) => {
          op(d).responses["201"] = op(d).responses["200"];
        }),
      ),
    ).toEqual(["breaking success-status-added"]);
    expect(
      rules(
        await judge((d) => {
          op(d).responses.default = op(d).responses["400"];
        }),
      ),
    ).toEqual(["compatible error-status-added"]);
  });
  it("a response media type removed or added is breaking; a request media type added is compatible, removed breaking", async () => {
    expect(
      rules(
        await judge((d) => {
          op(d).responses["200"].content = { "application/xml": op(d).responses["200"].content["application/json"] };
        }),
      ),
    ).toEqual(["breaking response-media-type-added", "breaking response-media-type-removed"]);
    expect(
      rules(
        await judge((d) => {
          op(d).requestBody.content["application/x-www-form-urlencoded"] = op(d).requestBody.content["application/json"];
        }),
      ),
    ).toEqual(["compatible request-media-type-added"]);
    expect(
      rules(
        await judge((d) => {
          op(d).requestBody.content = { "text/plain": { schema: { type: "string" } } };
        }),
      ),
    ).toEqual(["breaking request-media-type-removed", "compatible request-media-type-added"]);
  });
  it("a charset parameter on a media type is the same media type", async () => {
    const r = await judge((d) => {
      op(d).responses["200"].content = { "application/json; charset=utf-8": op(d).responses["200"].content["application/json"] };
    });
    expect(rules(r)).toEqual(["compatible media-type-parameters-changed"]);
  });
});

describe("response headers", () => {
  const header = (required: boolean) => (d: Doc) => {
    op(d).responses["200"].headers = { "Request-Id": { required, schema: { type: "string" } } };
  };
  it("an optional header removed is compatible; a required one removed, or made optional, is breaking", async () => {
    expect(
      rules(
        await judge((d) => {
          delete op(d).responses["200"].headers;
        }, header(false)),
      ),
    ).toEqual(["compatible optional-response-header-removed"]);
    expect(
      rules(
        await judge((d) => {
          delete op(d).responses["200"].headers;
        }, header(true)),
      ),
    ).toEqual(["breaking required-response-header-removed"]);
    expect(rules(await judge(header(false), header(true)))).toEqual(["breaking response-header-made-optional"]);
    expect(rules(await judge(header(true), header(false)))).toEqual(["compatible response-header-made-required"]);
  });
});

describe("patterns", () => {
  const pin = (pattern: string | undefined) => (d: Doc) => {
    if (pattern === undefined) delete d.components.schemas.Credentials.properties.pin.pattern;
    else d.components.schemas.Credentials.properties.pin.pattern = pattern;
  };
  it("a request pattern removed, or replaced by one that matches anything, widens (compatible)", async () => {
    expect(rules(await judge(pin(undefined)))).toEqual(["compatible pattern-removed"]);
    for (const anything of [".*", "", "^.*", "[\\s\\S]*", "^[\\s\\S]*$", "x*"])
      expect(rules(await judge(pin(anything))), anything).toEqual(["compatible pattern-removed"]);
  });
  it("a pattern replaced by one that cannot be compared says so and is judged breaking", async () => {
    const r = await judge(pin("^\\d{4,6}$"));
    expect(rules(r)).toEqual(["breaking pattern-replaced"]);
    expect(r.changes[0]!.reason).toMatch(/not decided/);
  });
  it("a match-anything pattern replaced by a real one narrows (breaking in a request)", async () => {
    expect(rules(await judge(pin("^\\d{4}$"), pin(".*")))).toEqual(["breaking pattern-added"]);
  });
});

describe("defaults, readOnly and writeOnly", () => {
  it("a request default added or changed is breaking; a response default added is compatible, removed breaking", async () => {
    expect(
      rules(
        await judge((d) => {
          d.components.schemas.Credentials.properties.type.default = "customer";
        }),
      ),
    ).toEqual(["breaking default-added"]);
    expect(
      rules(
        await judge((d) => {
          d.components.schemas.Session.properties.token_type.default = "Bearer";
        }),
      ),
    ).toEqual(["compatible default-added"]);
    expect(
      (
        await judge(
          (d) => {
            delete d.components.schemas.Session.properties.token_type.default;
          },
          (d) => {
            d.components.schemas.Session.properties.token_type.default = "Bearer";
          },
        )
      ).kind,
    ).toBe("breaking");
  });
  it("changes inside a readOnly property do not count in a request, nor inside a writeOnly one in a response", async () => {
    const readOnlyEmail = (d: Doc) => {
      d.components.schemas.Credentials.properties.email.readOnly = true;
    };
    expect(
      (
        await judge((d) => {
          d.components.schemas.Credentials.properties.email.maxLength = 5;
        }, readOnlyEmail)
      ).kind,
    ).toBe("none");
    const writeOnlyToken = (d: Doc) => {
      d.components.schemas.Session.properties.refresh_token.writeOnly = true;
    };
    expect(
      (
        await judge((d) => {
          delete d.components.schemas.Session.properties.refresh_token.pattern;
        }, writeOnlyToken)
      ).kind,
    ).toBe("none");
  });
  it("a response property that becomes writeOnly is gone from the response (breaking)", async () => {
    expect(
      rules(
        await judge((d) => {
          d.components.schemas.Session.properties.refresh_token.writeOnly = true;
        }),
      ),
    ).toEqual(["breaking response-property-removed"]);
  });
});

describe("security", () => {
  const bearer = (d: Doc) => {
    d.components.securitySchemes = {
      JWT: { type: "http", scheme: "bearer" },
      OAuth: { type: "oauth2", flows: { clientCredentials: { tokenUrl: "https://auth.example.com/token", scopes: { read: "r", write: "w" } } } },
    };
    op(d).security = [{ JWT: [] }];
  };
  it("security added to an open operation, a new required scope, or a changed scheme breaks callers", async () => {
    // The two scheme definitions are new too; the operations that require them are judged on their own.
    expect(rules(await judge(bearer))).toEqual(["breaking security-added", "compatible security-scheme-defined", "compatible security-scheme-defined"]);
    expect(
      rules(
        await judge(
          (d) => {
            op(d).security = [{ OAuth: ["read", "write"] }];
          },
          (d) => {
            bearer(d);
            op(d).security = [{ OAuth: ["read"] }];
          },
        ),
      ),
    ).toEqual(["breaking security-scope-added"]);
    expect(
      rules(
        await judge((d) => {
          d.components.securitySchemes.JWT.scheme = "basic";
        }, bearer),
      ),
    ).toEqual(["breaking security-scheme-changed"]);
  });
  it("security removed, a scope no longer required, or an alternative added lets more callers in (compatible)", async () => {
    expect(
      rules(
        await judge((d) => {
          delete op(d).security;
        }, bearer),
      ),
    ).toEqual(["compatible security-removed"]);
    expect(
      rules(
        await judge(
          (d) => {
            op(d).security = [{ OAuth: ["read"] }];
          },
          (d) => {
            bearer(d);
            op(d).security = [{ OAuth: ["read", "write"] }];
          },
        ),
      ),
    ).toEqual(["compatible security-requirement-relaxed"]);
    expect(
      rules(
        await judge((d) => {
          op(d).security.push({ OAuth: [] });
        }, bearer),
      ),
    ).toEqual(["compatible security-alternative-added"]);
  });
});

describe("unusual but equivalent or widening edits are no false alarm", () => {
  it("reordered enum values, required names, scopes and alternatives, items: {} and format int32 → int64 in a request", async () => {
    const secured = (d: Doc) => {
      d.components.securitySchemes = {
        OAuth: { type: "oauth2", flows: { clientCredentials: { tokenUrl: "https://auth.example.com/token", scopes: { read: "r", write: "w" } } } },
      };
      op(d).security = [{ OAuth: ["read", "write"] }];
      d.components.schemas.Credentials.properties.tags = { type: "array" };
      d.components.schemas.Credentials.properties.attempts.format = "int32";
    };
    const r = await judge((d) => {
      d.components.schemas.Credentials.properties.type.enum.reverse();
      d.components.schemas.Credentials.required.reverse();
      op(d).security = [{ OAuth: ["write", "read"] }];
      d.components.schemas.Credentials.properties.tags.items = {};
      d.components.schemas.Credentials.properties.attempts.format = "int64";
    }, secured);
    expect(rules(r)).toEqual(["compatible format-widened"]);
  });
});

describe("a request body that becomes one alternative of a discriminated oneOf (the token endpoint's grants)", () => {
  /** Credentials becomes `oneOf: [the old schema (edited by `branch`), Refresh]` with a discriminator on `type`. */
  const grants =
    (refreshTypes: string[], branch: (s: Doc) => void = () => {}) =>
    (d: Doc) => {
      const old = structuredClone(d.components.schemas.Credentials) as Doc;
      old.description = "The password grant (now one of two).";
      branch(old);
      d.components.schemas.PasswordCredentials = old;
      d.components.schemas.Refresh = {
        type: "object",
        required: ["type", "refresh_token"],
        properties: { type: { type: "string", enum: refreshTypes }, refresh_token: { type: "string" } },
      };
      d.components.schemas.Credentials = {
        description: "One of the grants.",
        oneOf: [{ $ref: "#/components/schemas/PasswordCredentials" }, { $ref: "#/components/schemas/Refresh" }],
        discriminator: { propertyName: "type" },
      };
    };

  it("is compatible when the old schema is one alternative (annotations changed) and its values select no other", async () => {
    expect(rules(await judge(grants(["refresh"])))).toEqual(["compatible oneOf-wrapped"]);
    // one more widening inside the alternative is reported with it, still compatible
    const widened = await judge(grants(["refresh"], (s) => (s.properties.password.maxLength = 512)));
    expect(rules(widened)).toEqual(["compatible maxLength-raised", "compatible oneOf-wrapped"].sort());
  });

  it("is breaking when another alternative accepts the old schema's values too (oneOf: a body matching two is refused)", async () => {
    const overlapping = rules(await judge(grants(["refresh", "customer"])));
    expect(overlapping).not.toContain("compatible oneOf-wrapped");
    expect(overlapping.some((r) => r.startsWith("breaking"))).toBe(true);
  });

  it("is breaking when the alternative narrows the old schema", async () => {
    const narrowed = rules(await judge(grants(["refresh"], (s) => (s.properties.password.minLength = 8))));
    expect(narrowed).not.toContain("compatible oneOf-wrapped");
    expect(narrowed.some((r) => r.startsWith("breaking"))).toBe(true);
  });

  it("unwrapped again (the oneOf reduced to the old schema) narrows the request: breaking", async () => {
    const r = await judge(
      (d) => {
        d.components.schemas.Credentials = d.components.schemas.PasswordCredentials;
      },
      (d) => grants(["refresh"])(d),
    );
    expect(rules(r)).toEqual(["breaking oneOf-unwrapped"]);
  });
});

describe("security per grant (x-grant-security)", () => {
  const withGrants = (refresh: Array<Record<string, string[]>>) => (d: Doc) => {
    d.components.securitySchemes = {
      Basic: { type: "http", scheme: "basic" },
      JWT: { type: "http", scheme: "bearer" },
    };
    op(d).security = [{ Basic: [] }, { JWT: [] }];
    op(d)["x-grant-security"] = { "x-curated": "Which grant takes which scheme.", grants: { customer: [{ Basic: [] }], refresh: refresh } };
  };
  it("judges a grant's requirements like security: one removed breaks its callers, one added does not", async () => {
    const narrowed = await judge(
      (d) => {
        op(d)["x-grant-security"].grants.customer = [{ JWT: [] }];
      },
      withGrants([{ JWT: [] }]),
    );
    expect(rules(narrowed)).toEqual(["breaking security-alternative-removed", "compatible security-alternative-added"]);
    expect(narrowed.changes.find((c) => c.kind === "breaking")?.where).toBe("security of customer (x-grant-security)");
    const widened = await judge(
      (d) => {
        op(d)["x-grant-security"].grants.refresh = [{ JWT: [] }, { Basic: [] }];
      },
      withGrants([{ JWT: [] }]),
    );
    expect(rules(widened)).toEqual(["compatible security-alternative-added"]);
  });
  it("leaves a grant only one version names to the body's rules", async () => {
    const r = await judge(
      (d) => {
        delete op(d)["x-grant-security"].grants.refresh;
      },
      withGrants([{ JWT: [] }]),
    );
    expect(rules(r)).toEqual([]);
  });
});
