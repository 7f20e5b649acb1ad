/**
 * @flotilla/cli — the `flotilla` command.
 *
 * - `flotilla up` starts an embedded cluster (`@flotilla/host`) on a memory, SQLite or etcd store with
 *   an API server (`@flotilla/apiserver`), writes a kubeconfig (mode 0600) and runs until SIGINT or
 *   SIGTERM, then closes the server, stops the cluster and closes the store: nothing is left running.
 * - `parseCommandLine` is pure: arguments in, a typed command or every problem out, each naming the
 *   flag and the rule in apimachinery's words (`--nodes: Invalid value: "0": must be between 1 and 1000`).
 * - `main(argv, io)` is the whole program over an injected `MainIo`; exit codes 0, 1, 2 (usage), 130.
 */
export {
  type Command,
  DEFAULT_NODES,
  ETCD_PREFIX,
  MAX_NODES,
  type ParseContext,
  type ParseResult,
  parseCommandLine,
  ROOT_HELP,
  type RuntimeName,
  type StoreSpec,
  UP_HELP,
  type UpConfig,
  VERSION_HELP,
} from './args.js';
export {
  cliVersion,
  EXIT,
  type MainIo,
  main,
  type StopSignal,
  shellQuote,
  workspaceImageDir,
} from './main.js';
export { KUBECONFIG_MARKER, type RunningCluster, type StartOptions, startUp, UpError } from './up.js';
