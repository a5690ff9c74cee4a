// How the apps know their callers and prove who they are: access tokens checked on every call (the guard),
// and tokens of the app's own managed identity for the APIs it calls.
export { AccessRules } from './access-rules';
export { AccessTokenVerifier } from './access-token-verifier';
export { CachedAccessTokens, type AccessTokenSource, type AcquireToken, type IssuedToken } from './access-tokens';
export { accessGuard, HttpAccessGuard } from './http-access-guard';
export { IssuerKeys, SigningKeysUnavailableError, defaultIssuerKeysPolicy, fetchJwks, type IssuerKeysPolicy, type JwksFetcher } from './issuer-keys';
export { managedIdentityTokens, type ManagedIdentityTokenSettings } from './managed-identity-tokens';
export { MissingCallerError, rememberVerifiedCaller, verifiedCallerOf, type VerifiedCaller } from './verified-caller';
