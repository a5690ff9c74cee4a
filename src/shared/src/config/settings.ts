import { z } from 'zod';

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
};
