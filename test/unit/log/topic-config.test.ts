import { describe, expect, it } from 'vitest';
import {
  TOPIC_CONFIGS,
  brokerLogDefaults,
  effectiveConfig,
  logConfigFrom,
  validateTopicConfig,
} from '../../../src/engine/log/topic-config.js';
import { collisionProblem, topicNameProblem } from '../../../src/engine/log/topic-name.js';

describe('topic configs', () => {
  it("has Kafka's defaults", () => {
    const d = Object.fromEntries(TOPIC_CONFIGS.map((c) => [c.name, c.default]));
    expect(d['retention.ms']).toBe('604800000');
    expect(d['retention.bytes']).toBe('-1');
    expect(d['segment.bytes']).toBe('1073741824');
    expect(d['max.message.bytes']).toBe('1048588');
    expect(d['cleanup.policy']).toBe('delete');
    expect(d['flush.messages']).toBe('9223372036854775807');
    expect(d['local.retention.ms']).toBe('-2');
    expect(d['message.timestamp.type']).toBe('CreateTime');
  });

  it("rejects bad names and values with Kafka's texts", () => {
    expect(validateTopicConfig('x', '1')).toBe('Unknown topic config name: x');
    expect(validateTopicConfig('retention.ms', 'abc')).toBe('Invalid value abc for configuration retention.ms: Not a number of type LONG');
    expect(validateTopicConfig('segment.bytes', '99999999999')).toBe('Invalid value 99999999999 for configuration segment.bytes: Not a number of type INT');
    expect(validateTopicConfig('retention.ms', '-2')).toBe('Invalid value -2 for configuration retention.ms: Value must be at least -1');
    expect(validateTopicConfig('cleanup.policy', 'weird')).toBe('Invalid value weird for configuration cleanup.policy: String must be one of: compact, delete');
    expect(validateTopicConfig('preallocate', 'yes')).toBe('Invalid value yes for configuration preallocate: Expected value to be either true or false');
    expect(validateTopicConfig('min.cleanable.dirty.ratio', '2')).toBe('Invalid value 2 for configuration min.cleanable.dirty.ratio: Value must be no more than 1');
  });

  it('accepts good values', () => {
    expect(validateTopicConfig('cleanup.policy', 'compact,delete')).toBeUndefined();
    expect(validateTopicConfig('retention.ms', '-1')).toBeUndefined();
    expect(validateTopicConfig('flush.ms', '9223372036854775807')).toBeUndefined();
    expect(validateTopicConfig('message.timestamp.type', 'LogAppendTime')).toBeUndefined();
    expect(validateTopicConfig('leader.replication.throttled.replicas', '0:1,1:1')).toBeUndefined();
  });

  it('takes defaults from broker settings, strongest synonym first, and overrides from the topic', () => {
    const eff = effectiveConfig({ 'segment.bytes': '1000' }, { 'log.retention.hours': 1, 'log.retention.minutes': 2, 'log.segment.bytes': 5000 });
    expect(eff.get('retention.ms')).toMatchObject({ value: '120000', source: 'broker', brokerSynonym: 'log.retention.minutes' });
    expect(eff.get('segment.bytes')).toMatchObject({ value: '1000', source: 'topic' });
    expect(eff.get('retention.bytes')).toMatchObject({ value: '-1', source: 'default' });
    const cfg = logConfigFrom(eff);
    expect(cfg.segmentBytes).toBe(1000);
    expect(cfg.flushMessages).toBe(Infinity);
    expect(brokerLogDefaults({ 'log.retention.ms': 5 }).topicDefaults.retentionMs).toBe(5);
    expect(brokerLogDefaults({}).retentionCheckIntervalMs).toBe(300000);
  });
});

describe('topic names', () => {
  it("uses Kafka's texts", () => {
    expect(topicNameProblem('')).toBe('Topic name is invalid: the empty string is not allowed');
    expect(topicNameProblem('.')).toBe("Topic name is invalid: '.' is not allowed");
    expect(topicNameProblem('..')).toBe("Topic name is invalid: '..' is not allowed");
    const long = 'a'.repeat(250);
    expect(topicNameProblem(long)).toBe(`Topic name is invalid: the length of '${long}' is longer than the max allowed length 249`);
    expect(topicNameProblem('a b')).toBe("Topic name is invalid: 'a b' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'");
    expect(topicNameProblem('a'.repeat(249))).toBeUndefined();
    expect(topicNameProblem('ok.name_x-1')).toBeUndefined();
  });

  it("detects '.' / '_' collisions", () => {
    expect(collisionProblem('a.b', ['a_b', 'c'])).toBe("Topic 'a.b' collides with existing topic: a_b");
    expect(collisionProblem('a.b', ['a-b'])).toBeUndefined();
  });
});
