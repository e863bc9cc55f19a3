// Where a rule comes from (Source) and the shorthands the checks use to cite it.

/** Where a rule comes from: a JSON pointer into generated/openapi.json, a Dintero docs page, an RFC or
 * OWASP section, or this project's own decision (then `ref` says so and why). `url` when linkable. */
export interface Source {
  ref: string;
  url?: string;
}

export const DINTERO_LOGIN_DOCS = "https://docs.dintero.com/api-reference/password/login-with-emailpassword";
export const DINTERO_TOKEN_DOCS = "https://docs.dintero.com/api-reference/authenticate/get-token";
export const rfc = (n: number, section: string, title = ""): Source => ({
  ref: `RFC ${n} §${section}${title ? ` (${title})` : ""}`,
  url: `https://www.rfc-editor.org/rfc/rfc${n}#section-${section}`,
});
export const dintero = (url: string, what: string): Source => ({ ref: `Dintero: ${what}`, url });
export const specPointer = (pointer: string): Source => ({ ref: pointer });
export const project = (why: string): Source => ({ ref: `this project's rule (Dintero does not publish it): ${why}` });
export const DINTERO_REVOKE_DOCS = "https://docs.dintero.com/management-auth-api/authenticate/aid_auths_oauth_revoke_post";
export const DINTERO_MFA_DOCS = "https://docs.dintero.com/api-reference/password/login-with-mfa";
export const OWASP_MFA = "https://cheatsheetseries.owasp.org/cheatsheets/Multifactor_Authentication_Cheat_Sheet.html";
