/**
 * What the engine needs from the process it runs in: the environment (MQ_DEBUG, MQ_DATA_DIR,
 * MQ_BOOTSTRAP_SERVER) and a place for one-line status messages ("Started the local mq
 * broker ..."). The CLI's Io (cli/io.ts) is one; tests pass a captured one.
 */
export interface EngineIo {
  readonly env: NodeJS.ProcessEnv;
  readonly stderr: { write(text: string): unknown };
  /**
   * Shows that the engine is waiting on something slow ("waiting for host:port to answer") and
   * returns how to stop showing it: a spinner at a terminal (cli/run.ts attaches it), absent otherwise.
   */
  waiting?: (text: string) => () => void;
}
