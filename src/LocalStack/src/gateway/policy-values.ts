/**
 * Values in an API Management policy: literal text with `{{named-value}}` references, or a single policy
 * expression `@(...)`. APIM runs C# there; the local gateway knows the few expressions our policy uses and
 * refuses any other at start-up, so it can never quietly do something else than APIM would.
 */

/** What a policy expression can see of one request. */
export interface PolicyContext {
  readonly subscription: { readonly id: string; readonly name: string };
  /** Absent for a subscription to all APIs, as `context.Product` is null in APIM then. */
  readonly product?: { readonly id: string } | undefined;
  /** `originalPath`: the path the client called (`context.Request.OriginalUrl.Path`), before any rewrite to the backend. */
  readonly request: { readonly ipAddress: string; readonly originalPath: string };
}

const expressions: Readonly<Record<string, (context: PolicyContext) => string>> = {
  'context.Subscription.Id': (context) => context.subscription.id,
  'context.Subscription.Name': (context) => context.subscription.name,
  'System.Uri.EscapeDataString(context.Subscription.Name)': (context) => escapeDataString(context.subscription.name),
  // Null-safe, as APIM needs it: `context.Product.Id` throws for a subscription without a product.
  'context.Product?.Id': (context) => context.product?.id ?? '',
  'context.Request.IpAddress': (context) => context.request.ipAddress,
  'context.Request.OriginalUrl.Path': (context) => context.request.originalPath,
};

const expressionPattern = /^@\((.*)\)$/s;
const namedValuePattern = /\{\{([^{}]+)\}\}/g;

export class UnsupportedPolicyError extends Error {}

/** A value as written in the policy, checked against what the gateway can evaluate. */
export class PolicyValue {
  private constructor(
    readonly source: string,
    private readonly expression: ((context: PolicyContext) => string) | undefined,
  ) {}

  static parse(source: string): PolicyValue {
    const trimmed = source.trim();
    const expression = expressionPattern.exec(trimmed)?.[1]?.trim();
    if (expression !== undefined) {
      const evaluate = expressions[expression];
      if (!evaluate) throw new UnsupportedPolicyError(`the local gateway cannot evaluate the policy expression @(${expression})`);
      return new PolicyValue(trimmed, evaluate);
    }
    if (trimmed.startsWith('@{')) throw new UnsupportedPolicyError('the local gateway cannot evaluate multi-statement policy expressions @{...}');
    return new PolicyValue(source, undefined);
  }

  /** The named values this value refers to, so a missing one fails at start-up, not per request. */
  namedValues(): string[] {
    return this.expression ? [] : [...this.source.matchAll(namedValuePattern)].map((match) => match[1] ?? '');
  }

  resolve(context: PolicyContext, namedValues: Readonly<Record<string, string>>): string {
    if (this.expression) return this.expression(context);
    return this.substitute(namedValues);
  }

  /** A value that depends on no request (text and named values, as an attribute the gateway reads once). */
  resolveOnce(namedValues: Readonly<Record<string, string>>, where: string): string {
    if (this.expression) throw new UnsupportedPolicyError(`${where} must not be a policy expression: the local gateway reads it once`);
    return this.substitute(namedValues);
  }

  private substitute(namedValues: Readonly<Record<string, string>>): string {
    return this.source.replace(namedValuePattern, (_, name: string) => {
      const value = namedValues[name];
      if (value === undefined) throw new UnsupportedPolicyError(`the named value {{${name}}} is not defined`);
      return value;
    });
  }
}

/**
 * .NET's `Uri.EscapeDataString`: the UTF-8 bytes of the value, percent-encoded except RFC 3986's unreserved
 * characters (letters, digits, `-._~`). encodeURIComponent also leaves `!'()*` alone; .NET does not.
 */
export function escapeDataString(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * `context.Request.IpAddress` as API Management gives it: an IPv4 client as plain IPv4. Node reports an
 * IPv4 client of a dual-stack socket as IPv4-mapped IPv6 (`::ffff:127.0.0.1`).
 */
export function clientAddressOf(remoteAddress: string | undefined): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(remoteAddress ?? '');
  return mapped?.[1] ?? remoteAddress ?? '';
}
