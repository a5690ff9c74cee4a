// jose is ECMAScript only; this CommonJS code loads it with import(), on first use rather than with the entry
// file (a cold start pays for it only when the first token is checked).
import type * as JoseModule from 'jose' with { 'resolution-mode': 'import' };

export type Jose = typeof JoseModule;

let loading: Promise<Jose> | undefined;

export function loadJose(): Promise<Jose> {
  loading ??= import('jose');
  return loading;
}
