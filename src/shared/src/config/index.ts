// Settings, decoded once at start-up. Loads no driver: the local host reads its own settings with it too.
export { ConfigurationError } from './configuration-error';
export { decodeEnvironment } from './decode-environment';
export { setting } from './settings';
export { mongoConfigOf, mongoSettings, type MongoConfig } from './mongo-settings';
export { authConfigOf, authSettings, holderKindsOf, holderObjectIdsOf, holderSettingName, roleHolderSettings, roleHoldersOf, type AppRoleDeclaration, type AuthConfig } from './auth-settings';
export { decodeAppSettings } from './app-settings';
