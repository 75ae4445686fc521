/**
 * JSON read from outside, whose shape the reading code checks as it goes: synthesized Terraform and plan JSON,
 * API request and response bodies. `any` is declared here, once, so those readers stay readable; code that knows
 * a shape declares a type for it instead.
 */
// biome-ignore lint/suspicious/noExplicitAny: the one declared type for untyped JSON objects (see above)
export type Json = Record<string, any>;
