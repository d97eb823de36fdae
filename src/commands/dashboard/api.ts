/**
 * The JSON API of docs/dashboard-api.md, in modules named for what they do:
 *   api-context.ts  what every route works from (sampler, cluster), the 503s before the first sample
 *   api-views.ts    views of the sampler's snapshot (cluster, brokers, topics, a topic, groups, lag)
 *   api-live.ts     answers read live (a group's offsets table, messages, the session)
 *   api-actions.ts  the POST actions; api-body.ts checks their bodies
 * Every request goes through engine/client.
 */
export { toApiError, type ApiContext } from './api-context.js';
export { getBrokers, getCluster, getGroupLag, getGroups, getTopic, getTopics } from './api-views.js';
export { getGroup, getMessages, getSession } from './api-live.js';
export {
  addPartitionsAction, alterConfigsAction, createTopicAction, deleteGroupAction, deleteRecordsAction, deleteTopicAction, produceAction, resetOffsetsAction,
} from './api-actions.js';
