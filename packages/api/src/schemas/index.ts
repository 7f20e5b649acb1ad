/**
 * Zod schemas and TypeScript types for every Kubernetes kind Flotilla serves and every type they
 * contain (`Pod`, `PodSpec`, `Container`, `ObjectMeta`, `Deployment`, `LabelSelector`, …), generated
 * from Kubernetes' OpenAPI data by `scripts/generate-schemas.ts`, plus the scalar building blocks.
 */
export * from '../generated/schemas.generated.js';
export {
  type Base64,
  Base64Schema,
  type IntOrString,
  IntOrStringSchema,
  type JsonValue,
  JsonValueSchema,
  type MicroTime,
  MicroTimeSchema,
  type QuantityValue,
  QuantityValueSchema,
  type Time,
  TimeSchema,
} from './primitives.js';
export {
  dropNullFields,
  formatFieldPath,
  type SchemaErrorOptions,
  schemaErrorsToFieldErrors,
} from './schema-errors.js';
