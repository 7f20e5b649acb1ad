/**
 * The scalar and JSON building blocks the generated Kubernetes schemas are made of.
 *
 * Each one accepts exactly what Kubernetes' JSON decoding accepts for the Go type it stands for and
 * keeps the value as given (no coercion), so a parsed object serializes back to the same JSON.
 */
import { z } from 'zod';
import { tryParseQuantity } from '../quantity.js';

/** `intstr.IntOrString`: a JSON number (int32) or a string such as `"25%"` or `"http"`. */
export type IntOrString = number | string;
export const IntOrStringSchema: z.ZodType<IntOrString, IntOrString> = z.union([z.int32(), z.string()]);

/**
 * `resource.Quantity` as JSON: `"500m"`, `"1Gi"`, or a plain number such as `cpu: 1`. Kept as given
 * (`parseQuantity` reads it); text that is no quantity is rejected as Kubernetes' decoder does.
 */
export type QuantityValue = string | number;
export const QuantityValueSchema: z.ZodType<QuantityValue, QuantityValue> = z
  .union([z.string(), z.number()])
  .superRefine((value, ctx) => {
    const parsed = tryParseQuantity(value);
    if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed, input: value });
  });

// RFC 3339 as Go's time.Parse(time.RFC3339) reads it (fractional seconds allowed).
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** `metav1.Time` / `metav1.MicroTime`: an RFC 3339 string in JSON, e.g. `"2024-05-01T10:00:00Z"`. */
export type Time = string;
export const TimeSchema: z.ZodType<Time, Time> = z
  .string()
  .regex(RFC3339, { message: 'must be an RFC 3339 date-time, e.g. "2006-01-02T15:04:05Z"' });

// Standard base64 with padding, as Go's encoding/json decodes []byte.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** `[]byte`: a standard base64 string in JSON (Secret `data`, ConfigMap `binaryData`, CA bundles). */
export type Base64 = string;
export const Base64Schema: z.ZodType<Base64, Base64> = z
  .string()
  .regex(BASE64, { message: 'illegal base64 data' });

/** Any JSON value: `runtime.RawExtension` (ControllerRevision `data`) and `FieldsV1`. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export const JsonValueSchema: z.ZodType<JsonValue, JsonValue> = z.json() as z.ZodType<JsonValue, JsonValue>;

/** `metav1.MicroTime`: RFC 3339 with microseconds, e.g. `"2024-05-01T10:00:00.000000Z"` (Lease, Event). */
export type MicroTime = string;
export const MicroTimeSchema: z.ZodType<MicroTime, MicroTime> = TimeSchema;
