// Settings, decoded once at start-up. Loads no driver: the local host reads its own settings with it too.
export { ConfigurationError } from './configuration-error';
export { decodeEnvironment } from './decode-environment';
export { setting } from './settings';
export { decodeAppSettings, mongoConfigOf, mongoSettings, type MongoConfig } from './mongo-settings';
