/**
 * Discovery documents built from the kind registry: `/version`, legacy `/api`, `/apis` and the
 * per-group-version APIResourceLists (with subresources), plus the resource table routing uses.
 */
import { type KindInfo, kinds } from '@flotilla/api';

/** What `/version` reports: kubectl's dispatcher picks `kubectl.1.32` from `minor`. */
export const VERSION_INFO = Object.freeze({
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4-flotilla',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23.8',
  compiler: 'gc',
  platform: 'linux/amd64',
});

/** Subresources this server serves, with the kind of object each speaks. */
const SERVED_SUBRESOURCES: Record<
  string,
  { group: string; version: string; kind?: string; verbs: string[] }
> = {
  status: { group: '', version: '', verbs: ['get', 'patch', 'update'] },
  log: { group: '', version: '', verbs: ['get'] },
  exec: { group: '', version: '', kind: 'PodExecOptions', verbs: ['create', 'get'] },
  scale: { group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] },
  binding: { group: '', version: '', kind: 'Binding', verbs: ['create'] },
};

export interface ServedResource {
  readonly info: KindInfo;
  readonly groupVersion: string;
}

/** `<groupVersion>/<plural>` → kind, for routing. */
export const resources = new Map<string, KindInfo>(kinds.map((k) => [`${k.apiVersion}/${k.plural}`, k]));

/** Group versions in registry order: `v1` first. */
export function groupVersions(): { group: string; version: string; groupVersion: string }[] {
  const seen = new Map<string, { group: string; version: string; groupVersion: string }>();
  for (const k of kinds) {
    if (!seen.has(k.apiVersion))
      seen.set(k.apiVersion, { group: k.group, version: k.version, groupVersion: k.apiVersion });
  }
  return [...seen.values()];
}

export function apiVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

export function apiGroupList() {
  const groups = groupVersions()
    .filter((gv) => gv.group !== '')
    .map((gv) => {
      const version = { groupVersion: gv.groupVersion, version: gv.version };
      return { name: gv.group, versions: [version], preferredVersion: version };
    });
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function apiGroup(group: string) {
  const gv = groupVersions().find((g) => g.group === group && group !== '');
  if (gv === undefined) return undefined;
  const version = { groupVersion: gv.groupVersion, version: gv.version };
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions: [version], preferredVersion: version };
}

/** The APIResourceList of one group version, or undefined when it is not served. */
export function apiResourceList(groupVersion: string) {
  const inGv = kinds.filter((k) => k.apiVersion === groupVersion);
  if (inGv.length === 0) return undefined;
  const entries: Record<string, unknown>[] = [];
  for (const k of inGv) {
    entries.push({
      name: k.plural,
      singularName: k.singular,
      namespaced: k.namespaced,
      kind: k.kind,
      verbs: [...k.verbs],
      ...(k.shortNames.length ? { shortNames: [...k.shortNames] } : {}),
      ...(k.categories.length ? { categories: [...k.categories] } : {}),
    });
    for (const sub of k.subresources) {
      const served = SERVED_SUBRESOURCES[sub];
      if (served === undefined) continue;
      entries.push({
        name: `${k.plural}/${sub}`,
        singularName: '',
        namespaced: k.namespaced,
        ...(served.kind
          ? { group: served.group, version: served.version, kind: served.kind }
          : { kind: k.kind }),
        verbs: served.verbs,
      });
    }
  }
  // Binding is not stored: `bindings` only binds the Pod it names (as `pods/binding`).
  if (groupVersion === 'v1') {
    entries.push({
      name: 'bindings',
      singularName: 'binding',
      namespaced: true,
      kind: 'Binding',
      verbs: ['create'],
    });
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources: entries };
}
