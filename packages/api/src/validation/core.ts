/**
 * Validation of the smaller core (`v1`) kinds and a few others: Namespace, Node, ConfigMap,
 * Secret, PersistentVolume(Claim), Endpoints, ControllerRevision, Lease, EndpointSlice.
 */
import { validateLabelKey } from '@flotilla/labels';
import { fieldErrors } from '../field-errors.js';
import type {
  ConfigMap,
  ControllerRevision,
  EndpointSlice,
  Endpoints,
  Lease,
  Namespace,
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  PersistentVolumeClaimSpec,
  Secret,
} from '../generated/schemas.generated.js';
import {
  isDNS1123Label,
  isQualifiedName,
  isValidIP,
  isValidPortName,
  isValidPortNum,
  regexError,
} from '../names.js';
import { type ErrorList, enumValue, invalidEach, nonNegative } from './helpers.js';
import { PROTOCOLS, TAINT_EFFECTS, validateQuantity } from './pod.js';

/** Data of a ConfigMap or Secret may not exceed 1 MiB. */
export const MAX_SECRET_SIZE = 1024 * 1024;
const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'] as const;
const VOLUME_MODES = ['Block', 'Filesystem'] as const;
const CONFIG_KEY_FMT = '[-._a-zA-Z0-9]+';

/** `IsConfigMapKey`: keys of ConfigMap and Secret data. */
export function isConfigMapKey(key: string): string[] {
  const errs: string[] = [];
  if (key.length > 253) errs.push('must be no more than 253 characters');
  if (!new RegExp(`^${CONFIG_KEY_FMT}$`).test(key))
    errs.push(
      regexError(
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
        CONFIG_KEY_FMT,
        'key.name',
        'KEY_NAME',
        'key-name',
      ),
    );
  if (key === '.') errs.push("must not be '.'");
  else if (key === '..') errs.push("must not be '..'");
  else if (key.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

function validateDataKeys(
  errs: ErrorList,
  maps: readonly [string, Record<string, string> | undefined][],
  kind: 'ConfigMap' | 'Secret',
): void {
  const seen = new Set<string>();
  let size = 0;
  for (const [field, map] of maps) {
    for (const [key, value] of Object.entries(map ?? {})) {
      invalidEach(errs, `${field}[${key}]`, key, isConfigMapKey(key));
      if (seen.has(key))
        errs.push(
          fieldErrors.invalid(`${field}[${key}]`, key, 'duplicate of key present in other data field'),
        );
      seen.add(key);
      size += key.length + value.length;
    }
  }
  if (size > MAX_SECRET_SIZE)
    errs.push(fieldErrors.tooLong(kind === 'ConfigMap' ? '' : 'data', '', MAX_SECRET_SIZE));
}

export function validateConfigMap(cm: ConfigMap): ErrorList {
  const errs: ErrorList = [];
  validateDataKeys(
    errs,
    [
      ['data', cm.data],
      ['binaryData', cm.binaryData],
    ],
    'ConfigMap',
  );
  return errs;
}

export function validateSecret(secret: Secret): ErrorList {
  const errs: ErrorList = [];
  validateDataKeys(
    errs,
    [
      ['data', secret.data],
      ['stringData', secret.stringData],
    ],
    'Secret',
  );
  const keys = new Set([...Object.keys(secret.data ?? {}), ...Object.keys(secret.stringData ?? {})]);
  const requireKey = (key: string) => {
    if (!keys.has(key)) errs.push(fieldErrors.required(`data[${key}]`));
  };
  switch (secret.type) {
    case 'kubernetes.io/service-account-token':
      if (!secret.metadata?.annotations?.['kubernetes.io/service-account.name'])
        errs.push(fieldErrors.required('metadata.annotations[kubernetes.io/service-account.name]'));
      break;
    case 'kubernetes.io/dockercfg':
      requireKey('.dockercfg');
      break;
    case 'kubernetes.io/dockerconfigjson':
      requireKey('.dockerconfigjson');
      break;
    case 'kubernetes.io/basic-auth':
      if (!keys.has('username') && !keys.has('password'))
        errs.push(fieldErrors.required('data[username]', 'either username or password is required'));
      break;
    case 'kubernetes.io/ssh-auth':
      requireKey('ssh-privatekey');
      break;
    case 'kubernetes.io/tls':
      requireKey('tls.crt');
      requireKey('tls.key');
      break;
  }
  return errs;
}

export function validateNamespace(ns: Namespace): ErrorList {
  const errs: ErrorList = [];
  (ns.spec?.finalizers ?? []).forEach((f, i) => {
    // `kubernetes` is the standard finalizer; others must be qualified names with a domain.
    if (f === 'kubernetes') return;
    const msgs = isQualifiedName(f);
    if (msgs.length) invalidEach(errs, `spec.finalizers[${i}]`, f, msgs);
    else if (!f.includes('/'))
      errs.push(
        fieldErrors.invalid(
          `spec.finalizers[${i}]`,
          f,
          'name is neither a standard finalizer name nor is it fully qualified',
        ),
      );
  });
  errs.push(...validateNamespaceStatus(ns));
  return errs;
}

/** The part of `validateNamespace` outside `spec` (a status update with the spec unchanged). */
export function validateNamespaceStatus(ns: Namespace): ErrorList {
  const errs: ErrorList = [];
  enumValue(errs, ns.status?.phase, 'status.phase', ['Active', 'Terminating']);
  return errs;
}

export function validateNode(node: Node): ErrorList {
  const errs: ErrorList = [];
  const seen = new Set<string>();
  (node.spec?.taints ?? []).forEach((t, i) => {
    const p = `spec.taints[${i}]`;
    invalidEach(errs, `${p}.key`, t.key, validateLabelKey(t.key));
    enumValue(errs, t.effect, `${p}.effect`, TAINT_EFFECTS, true);
    const key = `${t.key}:${t.effect}`;
    if (seen.has(key)) errs.push(fieldErrors.duplicate(p, { key: t.key, effect: t.effect }));
    seen.add(key);
  });
  errs.push(...validateNodeStatus(node));
  if (node.spec?.podCIDR) validateCIDR(errs, node.spec.podCIDR, 'spec.podCIDR');
  return errs;
}

/** The part of `validateNode` outside `spec` (a status update with the spec unchanged). */
export function validateNodeStatus(node: Node): ErrorList {
  const errs: ErrorList = [];
  for (const field of ['capacity', 'allocatable'] as const) {
    for (const [name, value] of Object.entries(node.status?.[field] ?? {})) {
      const q = validateQuantity(errs, value, `status.${field}[${name}]`);
      if (q && q.nanos < 0n)
        errs.push(
          fieldErrors.invalid(`status.${field}[${name}]`, value, 'must be greater than or equal to 0'),
        );
    }
  }
  return errs;
}

function validateCIDR(errs: ErrorList, cidr: string, path: string): void {
  const [ip, bits, ...rest] = cidr.split('/');
  const max = ip?.includes(':') ? 128 : 32;
  if (rest.length || !ip || !bits || !/^\d+$/.test(bits) || Number(bits) > max || !isValidIPText(ip))
    errs.push(
      fieldErrors.invalid(path, cidr, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'),
    );
}

const isValidIPText = (ip: string) => isValidIP(ip).length === 0;

function validatePVCSpec(errs: ErrorList, spec: PersistentVolumeClaimSpec | undefined, path: string): void {
  if (!spec) {
    errs.push(fieldErrors.required(path));
    return;
  }
  const modes = spec.accessModes ?? [];
  if (modes.length === 0 && !spec.dataSource)
    errs.push(fieldErrors.required(`${path}.accessModes`, 'at least 1 access mode is required'));
  modes.forEach((m, i) => {
    enumValue(errs, m, `${path}.accessModes[${i}]`, ACCESS_MODES);
  });
  if (modes.includes('ReadWriteOncePod') && modes.length > 1)
    errs.push(
      fieldErrors.forbidden(`${path}.accessModes`, 'may not use ReadWriteOncePod with other access modes'),
    );
  const storage = spec.resources?.requests?.storage;
  if (storage === undefined) {
    errs.push(fieldErrors.required(`${path}.resources[storage]`));
  } else {
    const q = validateQuantity(errs, storage, `${path}.resources[storage]`);
    if (q && q.nanos <= 0n)
      errs.push(fieldErrors.invalid(`${path}.resources[storage]`, storage, 'must be greater than zero'));
  }
  enumValue(errs, spec.volumeMode, `${path}.volumeMode`, VOLUME_MODES);
}

export function validatePersistentVolumeClaim(pvc: PersistentVolumeClaim): ErrorList {
  const errs: ErrorList = [];
  validatePVCSpec(errs, pvc.spec, 'spec');
  return errs;
}

/** The PVC templates of a StatefulSet follow the same spec rules. */
export function validatePersistentVolumeClaimTemplateSpec(
  spec: PersistentVolumeClaimSpec | undefined,
  path: string,
): ErrorList {
  const errs: ErrorList = [];
  validatePVCSpec(errs, spec, path);
  return errs;
}

export function validatePersistentVolume(pv: PersistentVolume): ErrorList {
  const errs: ErrorList = [];
  const spec = pv.spec;
  if (!spec) return [fieldErrors.required('spec')];
  const modes = spec.accessModes ?? [];
  if (modes.length === 0)
    errs.push(fieldErrors.required('spec.accessModes', 'must specify at least 1 access mode'));
  modes.forEach((m, i) => {
    enumValue(errs, m, `spec.accessModes[${i}]`, ACCESS_MODES);
  });
  const capacity = spec.capacity ?? {};
  if (Object.keys(capacity).length === 0) errs.push(fieldErrors.required('spec.capacity'));
  for (const [name, value] of Object.entries(capacity)) {
    if (name !== 'storage') errs.push(fieldErrors.notSupported(`spec.capacity`, name, ['storage']));
    else validateQuantity(errs, value, 'spec.capacity[storage]');
  }
  enumValue(errs, spec.persistentVolumeReclaimPolicy, 'spec.persistentVolumeReclaimPolicy', [
    'Delete',
    'Recycle',
    'Retain',
  ]);
  enumValue(errs, spec.volumeMode, 'spec.volumeMode', VOLUME_MODES);
  return errs;
}

export function validateEndpoints(ep: Endpoints): ErrorList {
  const errs: ErrorList = [];
  (ep.subsets ?? []).forEach((subset, i) => {
    const p = `subsets[${i}]`;
    for (const [field, list] of [
      ['addresses', subset.addresses],
      ['notReadyAddresses', subset.notReadyAddresses],
    ] as const) {
      (list ?? []).forEach((addr, j) => {
        invalidEach(errs, `${p}.${field}[${j}].ip`, addr.ip, isValidIP(addr.ip));
      });
    }
    const names = new Set<string>();
    (subset.ports ?? []).forEach((port, j) => {
      const pp = `${p}.ports[${j}]`;
      if ((subset.ports ?? []).length > 1 && !port.name) errs.push(fieldErrors.required(`${pp}.name`));
      else if (port.name) {
        invalidEach(errs, `${pp}.name`, port.name, isDNS1123Label(port.name));
        if (names.has(port.name)) errs.push(fieldErrors.duplicate(`${pp}.name`, port.name));
        names.add(port.name);
      }
      invalidEach(errs, `${pp}.port`, port.port, isValidPortNum(port.port));
      enumValue(errs, port.protocol, `${pp}.protocol`, PROTOCOLS);
    });
  });
  return errs;
}

export function validateEndpointSlice(slice: EndpointSlice): ErrorList {
  const errs: ErrorList = [];
  enumValue(errs, slice.addressType, 'addressType', ['IPv4', 'IPv6', 'FQDN'], true);
  (slice.ports ?? []).forEach((port, i) => {
    if (port.name)
      invalidEach(
        errs,
        `ports[${i}].name`,
        port.name,
        isValidPortName(port.name).length ? isDNS1123Label(port.name) : [],
      );
    if (port.port !== undefined) invalidEach(errs, `ports[${i}].port`, port.port, isValidPortNum(port.port));
    enumValue(errs, port.protocol, `ports[${i}].protocol`, PROTOCOLS);
  });
  return errs;
}

export function validateControllerRevision(rev: ControllerRevision): ErrorList {
  const errs: ErrorList = [];
  nonNegative(errs, rev.revision, 'revision');
  return errs;
}

export function validateLease(lease: Lease): ErrorList {
  const errs: ErrorList = [];
  const spec = lease.spec;
  if (spec?.leaseDurationSeconds !== undefined && spec.leaseDurationSeconds <= 0)
    errs.push(
      fieldErrors.invalid('spec.leaseDurationSeconds', spec.leaseDurationSeconds, 'must be greater than 0'),
    );
  nonNegative(errs, spec?.leaseTransitions, 'spec.leaseTransitions');
  return errs;
}
