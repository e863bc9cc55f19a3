// The generated types: open objects are unknown-valued maps, the either/or rule is a union.
// Checked by `npm run typecheck` (tsc over test/): a wrong type fails the build, and each
// `@ts-expect-error` fails it too when the line it guards stops being an error.
import { describe, expect, expectTypeOf, it } from "vitest";
import type { components, paths } from "../../generated/schema.js";

type Schemas = components["schemas"];
type ErrorItem = NonNullable<Schemas["Error"]["error"]["errors"]>[number];

describe("generated types", () => {
  it("types an object schema without properties as Record<string, unknown>, not Record<string, never>", () => {
    const item: ErrorItem = { path: "password", message: "too short" };
    expectTypeOf<ErrorItem>().toEqualTypeOf<Record<string, unknown>>();
    expect(item.path).toBe("password");
  });

  it("types the login body as the fields and one of the two forms", () => {
    const base = { audience: "a", type: "customer", password: "1234" } as const;
    const email: Schemas["LoginCredentials"] = { ...base, email: "a@example.com" };
    const phone: Schemas["LoginCredentials"] = { ...base, ident_type: "phone_number", ident: "+4799999999" };
    // @ts-expect-error neither email nor ident_type + ident
    const neither: Schemas["LoginCredentials"] = { ...base };
    // @ts-expect-error ident without ident_type
    const identOnly: Schemas["LoginCredentials"] = { ...base, ident: "+4799999999" };
    // @ts-expect-error type outside the enum
    const admin: Schemas["LoginCredentials"] = { ...base, type: "admin", email: "a@example.com" };
    expect([email, phone, neither, identOnly, admin]).toHaveLength(5);
  });

  it("types expires_in as a number and the login's 200 body as AccessToken", () => {
    expectTypeOf<Schemas["AccessToken"]["expires_in"]>().toEqualTypeOf<number>();
    type Login200 = paths["/accounts/{aid}/customers/login"]["post"]["responses"][200]["content"]["application/json"];
    expectTypeOf<Login200>().toEqualTypeOf<Schemas["AccessToken"]>();
  });
});
