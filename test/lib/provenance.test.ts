// lib/provenance.ts: where the rule at a pointer comes from, following $refs; what is this project's rule alone.
import { describe, expect, it } from "vitest";
import { curatedOnlyAlong, PROVENANCE_KEYWORDS, provenanceAt } from "../../lib/provenance.ts";

const spec = {
  paths: {
    "/a/{id}": {
      post: {
        responses: {
          "200": { $ref: "#/components/responses/Ok" },
          "429": { "x-curated": "Ours.", headers: { "Retry-After": { "x-source": "https://example.com/rate", schema: { type: "string" } } } },
        },
      },
    },
  },
  components: {
    responses: { Ok: { "x-source": ["https://example.com/ok"], content: { "application/json": { schema: { $ref: "#/components/schemas/Token" } } } } },
    schemas: { Token: { type: "object", properties: { "a/b": { "x-curated": "Narrowed.", "x-source": "https://example.com/t", type: "string" } } } },
  },
};

describe("provenance", () => {
  it("names the two extensions", () => {
    expect([...PROVENANCE_KEYWORDS]).toEqual(["x-source", "x-curated"]);
  });

  it("finds the nearest annotation on the way down, through $refs, in string and fragment form", () => {
    expect(provenanceAt(spec, "/paths/~1a~1{id}/post/responses/200")).toEqual({ pointer: "/components/responses/Ok", sources: ["https://example.com/ok"] });
    const deep = "#/paths/~1a~1%7Bid%7D/post/responses/200/content/application~1json/schema/properties/a~1b";
    expect(provenanceAt(spec, deep)).toEqual({
      pointer: "/components/schemas/Token/properties/a~1b",
      sources: ["https://example.com/t"],
      curated: "Narrowed.",
    });
    expect(provenanceAt(spec, "/paths/~1a~1{id}/post")).toBeUndefined(); // nothing annotated on the way
    expect(provenanceAt(spec, "/paths/nope")).toBeUndefined();
  });

  it("finds the first node that is this project's rule alone (x-curated without x-source)", () => {
    expect(curatedOnlyAlong(spec, "/paths/~1a~1{id}/post/responses/429/headers/Retry-After/schema")).toEqual({
      pointer: "/paths/~1a~1{id}/post/responses/429",
      sources: [],
      curated: "Ours.",
    });
    expect(curatedOnlyAlong(spec, "/paths/~1a~1{id}/post/responses/200")).toBeUndefined();
  });
});
