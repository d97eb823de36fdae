import { DeleteTopics } from '../../protocol/messages/20-delete-topics.js';
import type { Element, ResponseInput } from '../../protocol/schema.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';
import { UNKNOWN_TOPIC_MESSAGE } from '../topics.js';
import { internalDeleteProblem } from '../internal-topics.js';

/** DeleteTopics v0-6 (v6 names topics by name or id). Committed offsets of the topic go too. Internal topics stay. */
type TopicAnswer = Element<ResponseInput<typeof DeleteTopics>['responses']>;

export const deleteTopics: Handler<BrokerServices, typeof DeleteTopics> = {
  api: DeleteTopics,
  min: 0,
  max: 6,
  async handle(s, req, ctx) {
    const wanted: { name: string | null; topicId: string }[] =
      ctx.version >= 6 ? req.topics.map((t) => ({ name: t.name, topicId: t.topicId })) : req.topicNames.map((name) => ({ name, topicId: '' }));
    const responses: TopicAnswer[] = [];
    for (const w of wanted) {
      const topic = w.name ? s.log.topic(w.name) : s.log.topics().find((t) => t.id === w.topicId);
      if (!topic) {
        const code = w.name ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.UNKNOWN_TOPIC_ID;
        responses.push({ name: w.name, topicId: w.topicId || '00000000000000000000000000000000', errorCode: code, errorMessage: w.name ? UNKNOWN_TOPIC_MESSAGE : 'This server does not host this topic ID.' });
        continue;
      }
      const internal = internalDeleteProblem(topic.name);
      if (internal) {
        ctx.refused(ErrorCode.INVALID_REQUEST, internal);
        responses.push({ name: topic.name, topicId: topic.id, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: internal });
        continue;
      }
      await s.log.deleteTopic(topic.name);
      responses.push({ name: topic.name, topicId: topic.id, errorCode: 0, errorMessage: null });
    }
    return { throttleTimeMs: 0, responses };
  },
};
