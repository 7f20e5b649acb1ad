/**
 * The minimal OpenAPI v3 that makes `kubectl apply -f` / `create -f` validate on the server: per group
 * version one PATCH operation per kind that declares the `fieldValidation` query parameter (so kubectl
 * sends `fieldValidation=Strict` and trusts the server). No schemas and no request bodies.
 */
import { createHash } from 'node:crypto';
import { kinds } from '@flotilla/api';
import { groupVersions, VERSION_INFO } from './discovery.js';

const gvPath = (groupVersion: string) =>
  groupVersion.includes('/') ? `apis/${groupVersion}` : `api/${groupVersion}`;

const PARAMETERS = ['dryRun', 'fieldManager', 'fieldValidation', 'force', 'pretty'].map((name) => ({
  name,
  in: 'query',
  schema: { type: 'string', uniqueItems: true },
}));

function document(groupVersion: string) {
  const paths: Record<string, unknown> = {};
  for (const k of kinds.filter((x) => x.apiVersion === groupVersion)) {
    const base = `/${gvPath(groupVersion)}${k.namespaced ? '/namespaces/{namespace}' : ''}/${k.plural}/{name}`;
    paths[base] = {
      patch: {
        operationId: `patch${k.kind}`,
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': { group: k.group, version: k.version, kind: k.kind },
        parameters: PARAMETERS,
        responses: { '200': { description: 'OK' } },
      },
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: VERSION_INFO.gitVersion },
    paths,
    components: { schemas: {} },
  };
}

const docs = new Map<string, { body: string; hash: string }>();
for (const gv of groupVersions()) {
  const body = JSON.stringify(document(gv.groupVersion));
  const hash = createHash('sha512').update(body).digest('hex').slice(0, 128).toUpperCase();
  docs.set(gvPath(gv.groupVersion), { body, hash });
}

/** `GET /openapi/v3`. */
export function openApiRoot() {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [path, { hash }] of docs)
    paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${hash}` };
  return { paths };
}

/** `GET /openapi/v3/<api/v1 | apis/g/v>` as JSON text, or undefined when not served. */
export function openApiDocument(path: string): { body: string; hash: string } | undefined {
  return docs.get(path);
}
