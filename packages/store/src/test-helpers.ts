import type { Pod } from '@flotilla/api';
import { VirtualClock } from '@flotilla/clock';
import { MemoryBackend } from './memory-backend.js';
import { ObjectStore, type ObjectStoreOptions } from './object-store.js';

/** Test fixtures shared by the object store's tests (not exported from the package). */
export function setup(options: Partial<ObjectStoreOptions> = {}) {
  const backend = options.backend ?? new MemoryBackend();
  const clock = new VirtualClock();
  const store = new ObjectStore({ backend, clock, ...options });
  return { backend, clock, store };
}

export const POD = { apiVersion: 'v1', kind: 'Pod' } as const;

export function pod(
  name: string,
  options: {
    namespace?: string;
    labels?: Record<string, string>;
    nodeName?: string;
    finalizers?: string[];
    image?: string;
  } = {},
): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: options.namespace ?? 'default',
      ...(options.labels ? { labels: options.labels } : {}),
      ...(options.finalizers ? { finalizers: options.finalizers } : {}),
    },
    spec: {
      containers: [{ name: 'c', image: options.image ?? 'nginx:1.27' }],
      ...(options.nodeName ? { nodeName: options.nodeName } : {}),
    },
  };
}

export async function rejection(promise: Promise<unknown>): Promise<{ reason?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { reason?: string; message: string };
  }
  throw new Error('expected the operation to fail, it succeeded');
}
