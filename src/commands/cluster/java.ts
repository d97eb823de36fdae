/**
 * Which `java` runs the nodes, and whether it is new enough: Kafka 4.x brokers need Java 17
 * (KIP-1013), and mq-cluster asks the same of 3.9 so one check covers both.
 *
 *   parseJavaVersion('openjdk version "17.0.15" 2025-04-15')   // 17
 *   parseJavaVersion('java version "1.8.0_392"')               // 8
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { CommandError } from '../../cli/errors.js';

export const MIN_JAVA = 17;

export function javaBinary(env: NodeJS.ProcessEnv): string {
  return env.JAVA_HOME ? join(env.JAVA_HOME, 'bin', 'java') : 'java';
}

/** The feature version from `java -version`'s first line (JEP 223: 17.0.2; before 9: 1.8.0_x). */
export function parseJavaVersion(text: string): number | undefined {
  const m = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(text);
  if (!m) return undefined;
  const major = Number(m[1]);
  return major === 1 && m[2] !== undefined ? Number(m[2]) : major;
}

export const JAVA_HINT = 'install a JDK 17 or newer (e.g. `sudo apt install openjdk-17-jre-headless`, `brew install openjdk@17`, or https://adoptium.net) or set JAVA_HOME';

/** Resolves to the java binary, or throws one line saying what is wrong and how to fix it. */
export async function checkJava(env: NodeJS.ProcessEnv): Promise<string> {
  const java = javaBinary(env);
  const out = await new Promise<string | Error>((resolve) => {
    execFile(java, ['-version'], { env, timeout: 20_000 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') resolve(err);
      else resolve(`${stderr}${stdout}`);
    });
  });
  if (out instanceof Error) throw new CommandError(`mq-cluster needs Java ${MIN_JAVA}+ to run Apache Kafka, and ${env.JAVA_HOME ? `${java} does not exist` : 'no `java` is on the PATH'}: ${JAVA_HINT}`);
  const v = parseJavaVersion(out);
  if (v === undefined) throw new CommandError(`mq-cluster could not tell the version of ${java} (\`java -version\` printed: ${out.split('\n')[0] ?? ''}): ${JAVA_HINT}`);
  if (v < MIN_JAVA) throw new CommandError(`mq-cluster needs Java ${MIN_JAVA}+ to run Apache Kafka, and ${java} is Java ${v}: ${JAVA_HINT}`);
  return java;
}
