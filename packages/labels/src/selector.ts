import {
  compileRequirement,
  type Labels,
  type Requirement,
  requirementOf,
  requirementToString,
} from './requirement.js';

/**
 * A compiled label selector: the AND of its requirements (Kubernetes' `labels.Selector`).
 *
 * Guarantees:
 * - Immutable; `requirements` are sorted by key (ties by their printed form) and frozen.
 * - `matches` is compiled once at construction into specialised predicates; it allocates nothing and
 *   may be passed around detached from the selector (`array.filter(sel.matches)`).
 * - `toString()` is Kubernetes' `String()`: requirements joined by `,`, set values sorted. Parsing it
 *   gives an equal selector, except for {@link nothing}, which prints as `''` like Kubernetes'.
 */
export interface Selector {
  /** The AND of these requirements; empty for {@link everything} and {@link nothing}. */
  readonly requirements: readonly Requirement[];
  /** True when the labels satisfy every requirement. */
  readonly matches: (labels: Labels) => boolean;
  /** True when the selector does not restrict anything (matches every set of labels). */
  isEmpty(): boolean;
  /** True only for the {@link nothing} selector (does not detect contradictions like `a,!a`). */
  isNothing(): boolean;
  /** The canonical string form (see the interface comment). */
  toString(): string;
  /**
   * The single value the key must have (`k=v`, `k==v`, or `k in (v)` as the first requirement on `k`),
   * else `undefined`. Lets callers use an exact index lookup.
   */
  requiresExactMatch(key: string): string | undefined;
  /** A new selector with these requirements added (sorted in). */
  add(...requirements: readonly Requirement[]): Selector;
  /** Same requirements (same canonical string), or both {@link nothing}. */
  equals(other: Selector): boolean;
}

function compareRequirements(a: Requirement, b: Requirement): number {
  if (a.key !== b.key) return a.key < b.key ? -1 : 1;
  const sa = requirementToString(a);
  const sb = requirementToString(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

const matchAll = (): boolean => true;
const matchNone = (): boolean => false;

function compileAll(reqs: readonly Requirement[]): (labels: Labels) => boolean {
  const fns = reqs.map(compileRequirement);
  switch (fns.length) {
    case 0:
      return matchAll;
    case 1:
      return fns[0]!;
    case 2: {
      const [a, b] = fns as [(l: Labels) => boolean, (l: Labels) => boolean];
      return (l) => a(l) && b(l);
    }
    case 3: {
      const [a, b, c] = fns as [(l: Labels) => boolean, (l: Labels) => boolean, (l: Labels) => boolean];
      return (l) => a(l) && b(l) && c(l);
    }
    default:
      return (l) => {
        for (let i = 0; i < fns.length; i++) if (!fns[i]!(l)) return false;
        return true;
      };
  }
}

class RequirementsSelector implements Selector {
  readonly requirements: readonly Requirement[];
  readonly matches: (labels: Labels) => boolean;
  #text: string | undefined;

  constructor(requirements: readonly Requirement[]) {
    const sorted = [...requirements].sort(compareRequirements);
    this.requirements = Object.freeze(sorted);
    this.matches = compileAll(sorted);
  }

  isEmpty(): boolean {
    return this.requirements.length === 0;
  }

  isNothing(): boolean {
    return false;
  }

  toString(): string {
    if (this.#text === undefined) this.#text = this.requirements.map(requirementToString).join(',');
    return this.#text;
  }

  requiresExactMatch(key: string): string | undefined {
    for (const r of this.requirements) {
      if (r.key !== key) continue;
      if ((r.operator === '=' || r.operator === '==' || r.operator === 'in') && r.values.length === 1) {
        return r.values[0];
      }
      return undefined;
    }
    return undefined;
  }

  add(...requirements: readonly Requirement[]): Selector {
    if (requirements.length === 0) return this;
    return new RequirementsSelector([...this.requirements, ...requirements]);
  }

  equals(other: Selector): boolean {
    return !other.isNothing() && other.toString() === this.toString();
  }
}

class NothingSelector implements Selector {
  readonly requirements: readonly Requirement[] = Object.freeze([]);
  readonly matches: (labels: Labels) => boolean = matchNone;
  isEmpty(): boolean {
    return false;
  }
  isNothing(): boolean {
    return true;
  }
  toString(): string {
    return '';
  }
  requiresExactMatch(): string | undefined {
    return undefined;
  }
  add(): Selector {
    return this;
  }
  equals(other: Selector): boolean {
    return other.isNothing();
  }
}

const EVERYTHING: Selector = Object.freeze(new RequirementsSelector([]));
const NOTHING: Selector = Object.freeze(new NothingSelector());

/** The shared selector that matches every set of labels (the empty selector, `''`). */
export function everything(): Selector {
  return EVERYTHING;
}

/** The shared selector that matches nothing (a missing `LabelSelector`). */
export function nothing(): Selector {
  return NOTHING;
}

/**
 * A selector from requirements, which are trusted as given (build them with `createRequirement` or
 * `parseSelector` to have them validated). No requirements gives {@link everything}.
 */
export function selectorFromRequirements(requirements: readonly Requirement[]): Selector {
  return requirements.length === 0 ? EVERYTHING : new RequirementsSelector(requirements);
}

/**
 * A selector that matches exactly the given labels (`k=v` for each entry; Kubernetes'
 * `SelectorFromSet`). No validation; an empty or missing set gives {@link everything}.
 */
export function selectorFromSet(labels: Labels | null | undefined): Selector {
  if (labels == null) return EVERYTHING;
  const reqs = Object.keys(labels).map((k) => requirementOf(k, '=', [labels[k]!]));
  return selectorFromRequirements(reqs);
}
