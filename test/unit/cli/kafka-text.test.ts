import { describe, expect, it } from 'vitest';
import { javaText, kafkaErrors } from '../../../src/cli/kafka-text.js';

describe('javaText', () => {
  const cls = 'org.apache.kafka.common.errors.GroupNotEmptyException';
  it("leaves the Java class out of mq's own text", () => {
    expect(javaText({}, cls, 'The group is not empty.')).toBe('The group is not empty.');
  });
  it("gives Kafka's exact text with MQ_KAFKA_ERRORS", () => {
    expect(javaText({ MQ_KAFKA_ERRORS: '1' }, cls, 'The group is not empty.')).toBe(`${cls}: The group is not empty.`);
  });
  it.each([['', false], ['0', false], ['false', false], ['FALSE', false], ['1', true], ['yes', true]])('MQ_KAFKA_ERRORS=%j is %s', (v, want) => {
    expect(kafkaErrors({ MQ_KAFKA_ERRORS: v })).toBe(want);
  });
});
