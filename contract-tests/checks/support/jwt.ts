// JWT inspection for the checks: decoding is lib/jwt.ts's; what is the checks' own is the JWS shape in text.
export { decodeJwt } from "../../../lib/jwt.ts";

export const JWS_SHAPE = /\b(eyJ[A-Za-z0-9_-]*)\.(eyJ[A-Za-z0-9_-]*)\.[A-Za-z0-9_-]*/g;
