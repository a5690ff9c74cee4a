/** One invalid member of a request, as a 400's `errors` list names it. */
export interface FieldError {
  /** JSON pointer-like path to the offending member, e.g. `resource.type`; empty for the whole body. */
  readonly field: string;
  readonly message: string;
}
