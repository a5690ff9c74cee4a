// The failures code may raise on purpose, and nothing else: the domain imports these without loading
// HTTP, Azure or database code (the http entry maps them to problem documents).
export * from './api-errors';
export type { FieldError } from './field-error';
