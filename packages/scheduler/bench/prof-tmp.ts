import { createRandom } from '@flotilla/clock';
import { ClusterSnapshot, compilePod, type PodInput, schedule, spreadProfile } from '../src/index.js';
const GiB = 1024 ** 3, MiB = 1024 ** 2;
const ZONES = ['zone-a', 'zone-b', 'zone-c'];
const nodes = Array.from({ length: 5000 }, (_, i) => ({ name: `node-${i}`, labels: { 'kubernetes.io/hostname': `node-${i}`, 'topology.kubernetes.io/zone': ZONES[i % 3]! }, allocatable: { cpu: 32000, memory: 128 * GiB, pods: 256 } }));
function constrainedPod(i: number): PodInput {
  const app = `app-${Math.trunc(i / 10)}`;
  const pod: PodInput = { name: `p${i}`, namespace: 'b', labels: { app }, requests: { cpu: 100, memory: 256 * MiB } };
  pod.topologySpreadConstraints = [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app } } }];
  if (Math.trunc(i / 10) % 10 === 0) pod.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app } } }] } };
  return pod;
}
const s = new ClusterSnapshot(nodes); const random = createRandom(1); const profile = spreadProfile();
const N = 30000; const t0 = performance.now(); const c0 = process.cpuUsage();
for (let i = 0; i < N; i++) { const p = compilePod(constrainedPod(i)); const r = schedule(p, s, profile, { random }); if (r.kind === 'scheduled') s.bind(p, r.nodeName); }
const c = process.cpuUsage(c0); console.log((N / ((performance.now() - t0) / 1000)).toFixed(0), 'pods/s wall', (N / ((c.user + c.system) / 1e6)).toFixed(0), 'pods/cpu-s');
