/**
 * Preloaded (`--import`) into `flotilla up` by the end-to-end test: SIGUSR2 throws from a listener,
 * an uncaught exception as a bug would cause one.
 */
process.on('SIGUSR2', () => {
  throw new Error('boom (injected by the test)');
});
