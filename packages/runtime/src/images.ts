import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RuntimeError } from './errors.js';

/** `image.json` of a local image: `<imageDir>/<name>/<tag>/image.json`. */
export interface ImageManifest {
  /** The program and its fixed arguments, like a Dockerfile's ENTRYPOINT; relative paths are from the image directory. */
  readonly entrypoint: readonly string[];
  /** Default arguments, like CMD (replaced by a container's `args`). */
  readonly cmd?: readonly string[];
  /** Environment the image sets (a container's `env` wins). */
  readonly env?: Readonly<Record<string, string>>;
  /** Working directory relative to the image directory (default: the image directory). */
  readonly workingDir?: string;
}

export interface ResolvedImage {
  readonly dir: string;
  readonly manifest: ImageManifest;
}

const REFERENCE = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?$/;

/** Splits `name[:tag]` (tag default `latest`); `undefined` for anything that is not an image reference. */
export function parseImageReference(image: string): { name: string; tag: string } | undefined {
  if (!REFERENCE.test(image)) return undefined;
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash
    ? { name: image.slice(0, colon), tag: image.slice(colon + 1) }
    : { name: image, tag: 'latest' };
}

const isStringArray = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((s) => typeof s === 'string');

/** Checks a parsed `image.json`; throws `CreateContainerError` naming the field that is wrong. */
export function checkManifest(value: unknown, where: string): ImageManifest {
  const fail = (field: string, rule: string) =>
    new RuntimeError('CreateContainerError', `${where}: ${field}: ${rule}`);
  if (typeof value !== 'object' || value === null) throw fail('(root)', 'Invalid value: must be an object');
  const m = value as Record<string, unknown>;
  if (!isStringArray(m.entrypoint) || m.entrypoint.length === 0) {
    throw fail('entrypoint', 'Required value: a non-empty array of strings');
  }
  if (m.cmd !== undefined && !isStringArray(m.cmd))
    throw fail('cmd', 'Invalid value: must be an array of strings');
  if (
    m.env !== undefined &&
    (typeof m.env !== 'object' || m.env === null || Object.values(m.env).some((v) => typeof v !== 'string'))
  ) {
    throw fail('env', 'Invalid value: must map names to strings');
  }
  if (m.workingDir !== undefined && typeof m.workingDir !== 'string') {
    throw fail('workingDir', 'Invalid value: must be a string');
  }
  return m as unknown as ImageManifest;
}

/** Finds `image` in a local image directory; `undefined` when it is not there. */
export function resolveLocalImage(imageDir: string | undefined, image: string): ResolvedImage | undefined {
  const ref = parseImageReference(image);
  if (imageDir === undefined || ref === undefined) return undefined;
  const dir = join(imageDir, ...ref.name.split('/'), ref.tag);
  const file = join(dir, 'image.json');
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new RuntimeError('CreateContainerError', `${file}: ${(error as Error).message}`);
  }
  return { dir, manifest: checkManifest(parsed, file) };
}
