import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRuntimeError } from './errors.js';
import { checkManifest, parseImageReference, resolveLocalImage } from './images.js';

const imageDir = join(import.meta.dirname, '../../../examples/images');

describe('parseImageReference', () => {
  it.each([
    { image: 'web', want: { name: 'web', tag: 'latest' } },
    { image: 'web:v1', want: { name: 'web', tag: 'v1' } },
    { image: 'example.com/team/web:1.2.3', want: { name: 'example.com/team/web', tag: '1.2.3' } },
    { image: '', want: undefined },
    { image: '../etc:passwd', want: undefined },
    { image: 'web/../../x:v1', want: undefined },
    { image: 'Web:v1', want: undefined },
    { image: 'web:', want: undefined },
  ])('$image', ({ image, want }) => {
    expect(parseImageReference(image)).toEqual(want);
  });
});

describe('local images', () => {
  it('resolves web:v1 and web:v2 from examples/images', () => {
    for (const tag of ['v1', 'v2']) {
      const image = resolveLocalImage(imageDir, `web:${tag}`);
      expect(image?.dir).toBe(join(imageDir, 'web', tag));
      expect(image?.manifest).toEqual({ entrypoint: ['node', 'server.mjs'], env: { VERSION: tag } });
    }
    expect(resolveLocalImage(imageDir, 'web:v9')).toBeUndefined();
    expect(resolveLocalImage(undefined, 'web:v1')).toBeUndefined();
  });

  it.each([
    { name: 'not an object', value: 3, field: '(root)' },
    { name: 'no entrypoint', value: {}, field: 'entrypoint' },
    { name: 'empty entrypoint', value: { entrypoint: [] }, field: 'entrypoint' },
    { name: 'bad cmd', value: { entrypoint: ['x'], cmd: 'y' }, field: 'cmd' },
    { name: 'bad env', value: { entrypoint: ['x'], env: { A: 1 } }, field: 'env' },
    { name: 'bad workingDir', value: { entrypoint: ['x'], workingDir: 1 }, field: 'workingDir' },
  ])('rejects a manifest with $name, naming $field', ({ value, field }) => {
    let error: unknown;
    try {
      checkManifest(value, 'image.json');
    } catch (e) {
      error = e;
    }
    expect(isRuntimeError(error, 'CreateContainerError')).toBe(true);
    expect((error as Error).message.startsWith(`image.json: ${field}: `)).toBe(true);
  });
});
