/**
 * A user's score plugin: prefer nodes whose `example.com/energy` label is `green` (100), then
 * `mixed` (50), then anything else (0). Added with a high weight to the built-in `spread` profile,
 * it packs work onto green nodes while spreading it among them.
 */
import { builtinProfile, extendProfile, type Profile, type ScorePlugin } from '@flotilla/scheduler';

export const ENERGY_LABEL = 'example.com/energy';
const SCORES: Readonly<Record<string, number>> = { green: 100, mixed: 50 };

export const GreenEnergy: ScorePlugin = {
  name: 'GreenEnergy',
  // `prepare` runs once per pod; the scorer it returns runs once per candidate node.
  prepare: () => ({ score: (node) => SCORES[node.labels[ENERGY_LABEL] ?? ''] ?? 0 }),
};

export const greenProfile = (weight = 10): Profile =>
  extendProfile(builtinProfile('spread'), { name: 'green', scores: [{ plugin: GreenEnergy, weight }] });
