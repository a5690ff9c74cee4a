import { z } from 'zod';

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A GUID in the lower case Entra writes in tokens (`oid`, `tid`, `aud`), so comparisons are exact. */
const guid = () => z.string().trim().regex(guidPattern, 'must be a GUID, e.g. 00000000-0000-0000-0000-000000000000').transform((value) => value.toLowerCase());

/** Building blocks for the settings schemas of each app; values arrive as strings. */
export const setting = {
  string: (maxLength = 256) => z.string().max(maxLength),
  optionalString: (maxLength = 256) => z.string().max(maxLength).optional(),
  integer: (min: number, max: number, fallback: number) =>
    z.coerce.number().int().min(min).max(max).default(fallback),
  optionalInteger: (min: number, max: number) => z.coerce.number().int().min(min).max(max).optional(),
  databaseName: (fallback: string) =>
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,63}$/, 'use 1 to 63 letters, digits, "_" or "-"')
      .default(fallback),
  mongodbUri: () =>
    z.string().refine((value) => /^mongodb(\+srv)?:\/\//.test(value), 'must start with mongodb:// or mongodb+srv://'),
  httpUrl: () => z.url({ protocol: /^https?$/ }),
  /** `true`/`false` (also 1/0, yes/no, on/off). */
  flag: (fallback: boolean) => z.stringbool().default(fallback),
  guid,
  /** Object ids (GUIDs) separated by commas; absent means none. */
  guidList: () =>
    z
      .string()
      .default('')
      .transform((value) => value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== ''))
      .pipe(z.array(guid()).max(64)),
  /**
   * Where tokens come from: https, or http on a loopback address only (the local identity service), so a
   * setting cannot make an app trust keys served in clear text across a network.
   */
  authority: (fallback: string) =>
    z
      .url({ protocol: /^https?$/ })
      .refine((value) => new URL(value).pathname.replace(/\/$/, '') === '', 'must be an authority host without a path, e.g. https://login.microsoftonline.com')
      .refine((value) => new URL(value).protocol === 'https:' || loopbackHosts.has(new URL(value).hostname), 'must use https (http only on 127.0.0.1 or localhost)')
      .default(fallback),
};
