/**
 * One request, typed by its descriptor: the body is checked against what the descriptor lets a
 * client send (RequestInput: known fields only) and the answer comes back as its decoded
 * response (ResponseOf), so callers read fields by name without casts.
 *
 *   const res = await call(conn, ListGroups, { statesFilter: ['Stable'] });   // res.groups[0].groupId: string
 *
 * ProtocolConnection.request and Cluster.metadata are untyped (apiKey, Struct); this is the one
 * place that says the decoded Struct is the descriptor's response.
 */
import type { Cluster, ProtocolConnection } from '../protocol-client.js';
import type { ApiSchema, RequestInput, ResponseOf } from '../../protocol/schema.js';
import type { Metadata } from '../../protocol/messages/03-metadata.js';

export async function call<A extends ApiSchema>(conn: ProtocolConnection, api: A, body: RequestInput<A>, version?: number): Promise<ResponseOf<A>> {
  return (await conn.request(api.apiKey, body, version)) as ResponseOf<A>;
}

/** Cluster.metadata (null = all topics; `extra`: more request fields, e.g. allowAutoTopicCreation), typed. */
export async function metadata(cluster: Cluster, topics: string[] | null, extra: RequestInput<typeof Metadata> = {}): Promise<ResponseOf<typeof Metadata>> {
  return (await cluster.metadata(topics, extra)) as ResponseOf<typeof Metadata>;
}
