import { ApiError } from '@flotilla/api';
import {
  type FieldSelector,
  isSelectorParseError,
  parseFieldSelector,
  parseSelector,
  type Selector,
} from '@flotilla/labels';

/** Every kind supports these, as Kubernetes' `DefaultClusterScopedAttr`/`DefaultNamespaceScopedAttrs`. */
const COMMON = ['metadata.name', 'metadata.namespace'];

/** Extra selectable fields per kind (`pkg/registry/*\/strategy.go` `ToSelectableFields`). */
const EXTRA: Record<string, readonly string[]> = {
  '/Pod': [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.nominatedNodeName',
  ],
  '/Node': ['spec.unschedulable'],
  '/Namespace': ['status.phase'],
  '/Secret': ['type'],
  '/Event': [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  'apps/ReplicaSet': ['status.replicas'],
  'batch/Job': ['status.successful'],
};

const cache = new Map<string, readonly string[]>();

export function selectableFields(group: string, kind: string): readonly string[] {
  const id = `${group}/${kind}`;
  let fields = cache.get(id);
  if (fields === undefined) {
    fields = [...COMMON, ...(EXTRA[id] ?? [])];
    cache.set(id, fields);
  }
  return fields;
}

export function parseLabels(text: string | undefined): Selector | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  try {
    const selector = parseSelector(text);
    return selector.isEmpty() ? undefined : selector;
  } catch (error) {
    if (isSelectorParseError(error)) throw ApiError.badRequest(error.detail);
    throw error;
  }
}

export function parseFields(
  text: string | undefined,
  group: string,
  kind: string,
): FieldSelector | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  try {
    const selector = parseFieldSelector(text, { allowedFields: selectableFields(group, kind) });
    return selector.isEmpty() ? undefined : selector;
  } catch (error) {
    if (isSelectorParseError(error)) throw ApiError.badRequest(error.detail);
    throw error;
  }
}
