// A separate entry point for processes that must not load the `mongodb` driver early (the local host).
export { ConfigurationError } from './configuration-error';
export { decodeEnvironment } from './decode-environment';
export { setting } from './settings';
