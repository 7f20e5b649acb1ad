/**
 * Compiled label matchers: `LabelSelector` (pod affinity, topology spread) and node selector terms
 * (nodeSelector, node affinity with In, NotIn, Exists, DoesNotExist, Gt, Lt). Compiling once per pod
 * keeps matching a node to a few property reads and comparisons.
 */
import type { LabelSelector, NodeSelectorRequirement, NodeSelectorTerm } from './k8s-shapes.js';

export type Labels = Readonly<Record<string, string>>;

/** A compiled predicate over a label set, with a canonical string used to intern identical selectors. */
export interface LabelMatcher {
  readonly key: string;
  /** A `key=value` every matching label set must contain, when the selector has one (for indexing). */
  readonly anchor: string | undefined;
  matches(labels: Labels): boolean;
}

type Req = { key: string; op: number; values: readonly string[]; num: number };
const OP_IN = 0;
const OP_NOT_IN = 1;
const OP_EXISTS = 2;
const OP_NOT_EXISTS = 3;
const OP_GT = 4;
const OP_LT = 5;

const OPS: Record<string, number> = {
  In: OP_IN,
  NotIn: OP_NOT_IN,
  Exists: OP_EXISTS,
  DoesNotExist: OP_NOT_EXISTS,
  Gt: OP_GT,
  Lt: OP_LT,
};

const hasOwn = Object.prototype.hasOwnProperty;

function compileReq(r: NodeSelectorRequirement, allowNumeric: boolean, field: string): Req {
  const op = OPS[r.operator];
  if (op === undefined || (!allowNumeric && op >= OP_GT)) {
    throw new RangeError(`${field}.operator: Unsupported value: "${r.operator}"`);
  }
  const values = [...(r.values ?? [])].sort();
  let num = Number.NaN;
  if (op === OP_GT || op === OP_LT) {
    if (values.length !== 1 || !/^-?\d+$/.test(values[0] ?? '')) {
      throw new RangeError(
        `${field}.values: Invalid value: must be specified single integer value for 'Gt' and 'Lt'`,
      );
    }
    num = Number(values[0]);
  }
  return { key: r.key, op, values, num };
}

function reqMatches(r: Req, labels: Labels): boolean {
  const has = hasOwn.call(labels, r.key);
  switch (r.op) {
    case OP_IN:
      return has && r.values.includes(labels[r.key] as string);
    case OP_NOT_IN:
      return !has || !r.values.includes(labels[r.key] as string);
    case OP_EXISTS:
      return has;
    case OP_NOT_EXISTS:
      return !has;
    default: {
      if (!has) return false;
      const text = labels[r.key] as string;
      if (!/^-?\d+$/.test(text)) return false;
      const v = Number(text);
      return r.op === OP_GT ? v > r.num : v < r.num;
    }
  }
}

function reqKey(r: Req): string {
  return `${r.key}:${r.op}:${r.values.join(',')}`;
}

/** Every pod and node matches the empty selector; `undefined` (no selector) matches nothing, as Kubernetes. */
export function compileLabelSelector(sel: LabelSelector | undefined, field = 'labelSelector'): LabelMatcher {
  if (sel === undefined) return { key: '<none>', anchor: undefined, matches: () => false };
  const reqs: Req[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {}))
    reqs.push({ key: k, op: OP_IN, values: [v], num: 0 });
  (sel.matchExpressions ?? []).forEach((e, i) => {
    reqs.push(compileReq(e, false, `${field}.matchExpressions[${i}]`));
  });
  return matcherOf(reqs);
}

/** `spec.nodeSelector`: every key must be present with the given value. */
export function compileEqualitySelector(map: Readonly<Record<string, string>>): LabelMatcher {
  return matcherOf(Object.entries(map).map(([k, v]) => ({ key: k, op: OP_IN, values: [v], num: 0 })));
}

function matcherOf(reqs: Req[]): LabelMatcher {
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.op - b.op));
  const key = reqs.map(reqKey).join('&');
  const eq = reqs.find((r) => r.op === OP_IN && r.values.length === 1);
  const anchor = eq ? `${eq.key}=${eq.values[0]}` : undefined;
  if (reqs.length === 0) return { key, anchor, matches: () => true };
  if (reqs.length === 1 && eq !== undefined) {
    const k = eq.key;
    const v = eq.values[0];
    return { key, anchor, matches: (labels) => labels[k] === v };
  }
  return {
    key,
    anchor,
    matches(labels) {
      for (let i = 0; i < reqs.length; i++) if (!reqMatches(reqs[i]!, labels)) return false;
      return true;
    },
  };
}

/** A node selector term: all `matchExpressions` over labels and all `matchFields` (only `metadata.name`). */
export interface NodeTermMatcher {
  matches(labels: Labels, nodeName: string): boolean;
}

export function compileNodeSelectorTerm(term: NodeSelectorTerm, field: string): NodeTermMatcher {
  const exprs = (term.matchExpressions ?? []).map((e, i) =>
    compileReq(e, true, `${field}.matchExpressions[${i}]`),
  );
  const fields = (term.matchFields ?? []).map((e, i) => {
    if (e.key !== 'metadata.name') {
      throw new RangeError(
        `${field}.matchFields[${i}].key: Invalid value: "${e.key}": not a valid field selector key`,
      );
    }
    return compileReq(e, false, `${field}.matchFields[${i}]`);
  });
  // Kubernetes: a term with neither expressions nor fields matches no node.
  if (exprs.length === 0 && fields.length === 0) return { matches: () => false };
  return {
    matches(labels, nodeName) {
      for (let i = 0; i < exprs.length; i++) if (!reqMatches(exprs[i]!, labels)) return false;
      for (let i = 0; i < fields.length; i++)
        if (!reqMatches(fields[i]!, { 'metadata.name': nodeName })) return false;
      return true;
    },
  };
}

/** Terms are ORed: the node matches if any term matches. */
export function compileNodeSelector(terms: readonly NodeSelectorTerm[], field: string): NodeTermMatcher {
  const compiled = terms.map((t, i) => compileNodeSelectorTerm(t, `${field}.nodeSelectorTerms[${i}]`));
  return {
    matches(labels, nodeName) {
      for (let i = 0; i < compiled.length; i++) if (compiled[i]!.matches(labels, nodeName)) return true;
      return false;
    },
  };
}
