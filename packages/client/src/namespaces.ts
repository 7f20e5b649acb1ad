import { isAlreadyExists } from '@flotilla/api';
import type { Client } from './client.js';

/** Creates each Namespace that does not exist yet (the bootstrap `default`, `kube-system`, … of a cluster). */
export async function ensureNamespaces(client: Client, names: Iterable<string>): Promise<void> {
  const namespaces = client.resource('v1', 'Namespace');
  for (const name of names) {
    try {
      await namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
    }
  }
}
