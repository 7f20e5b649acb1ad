/**
 * Child process of the failover test: campaigns in election argv[3] as argv[4] on etcd argv[2] and
 * prints `leader` / `follower` on every change, until it is killed.
 */
import { elect } from './election.js';

const [endpoints, name, identity] = process.argv.slice(2);
if (!endpoints || !name || !identity)
  throw new Error('usage: election-candidate <endpoints> <name> <identity>');
const leadership = elect({ endpoints, name, identity, ttlSeconds: 2 });
leadership.changes.subscribe((leader) => process.stdout.write(`${leader ? 'leader' : 'follower'}\n`));
