/**
 * Kafka's tools name Java exception classes in their errors ("java.util.concurrent.ExecutionException:
 * org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty."). mq's own messages
 * leave the class names out, unless the user asks for Kafka's exact text (to diff against a Kafka
 * tool's output, or to keep a script that matches it working): `--kafka-errors` on any tool, or
 * MQ_KAFKA_ERRORS=1 for a whole shell.
 *
 *   javaText(io.env, 'org.apache.kafka.common.KafkaException', "No key separator found on line number 2: 'x'")
 *     -> "No key separator found on line number 2: 'x'"                                          (default)
 *     -> "org.apache.kafka.common.KafkaException: No key separator found on line number 2: 'x'"  (MQ_KAFKA_ERRORS=1)
 */
export const KAFKA_ERRORS_ENV = 'MQ_KAFKA_ERRORS';

export function kafkaErrors(env: NodeJS.ProcessEnv): boolean {
  const v = env[KAFKA_ERRORS_ENV];
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

/** `message`, or Kafka's `javaClass: message` when its exact text was asked for. */
export function javaText(env: NodeJS.ProcessEnv, javaClass: string, message: string): string {
  return kafkaErrors(env) ? `${javaClass}: ${message}` : message;
}
