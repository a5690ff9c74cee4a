import type { z } from 'zod';
import { authConfigOf, authSettings, holderObjectIdsOf, roleHolderSettings, roleHoldersOf, type AppRoleDeclaration, type AuthConfig } from './auth-settings';
import { decodeEnvironment } from './decode-environment';
import { mongoConfigOf, mongoSettings } from './mongo-settings';

type SharedSettingValues = z.infer<z.ZodObject<typeof mongoSettings & typeof authSettings>>;

/**
 * An app's settings decoded once at start-up: the fragments both apps share (the database; how callers'
 * tokens are checked, and who holds each of the app's roles) plus the app's own `shape` (its database and
 * collection names, limits, the APIs it calls). Both apps' config.ts start here.
 */
export function decodeAppSettings<Shape extends z.ZodRawShape, Role extends string>(
  shape: Shape,
  appRoles: AppRoleDeclaration<Role>,
  environment: Readonly<Record<string, string | undefined>>,
) {
  const holderSettings = roleHolderSettings(appRoles);
  const all = decodeEnvironment({ ...mongoSettings, ...authSettings, ...holderSettings, ...shape }, environment) as Record<string, unknown>;
  // The fragments' members are in the result (decoded above); TypeScript cannot see that through the generic shapes.
  const values = all as z.infer<z.ZodObject<Shape>>;
  const shared = all as unknown as SharedSettingValues;
  const auth: AuthConfig = authConfigOf(shared);
  return { values, ...mongoConfigOf(shared), auth, roleHolders: roleHoldersOf(appRoles, all), holderObjectIds: holderObjectIdsOf(appRoles, all) };
}
