import { api, array, field } from '../schema.js';

/** SyncGroup. The leader's assignments are opaque consumer-protocol blobs (consumer-protocol.ts). */
export const SyncGroup = api({
  apiKey: 14,
  name: 'SyncGroup',
  valid: '0-5',
  flexible: '4+',
  request: [
    field('groupId', 'string', '0+'),
    field('generationId', 'int32', '0+'),
    field('memberId', 'string', '0+'),
    field('groupInstanceId', 'string', '3+', { nullable: '3+', default: null }),
    field('protocolType', 'string', '5+', { nullable: '5+', default: null, ignorable: true }),
    field('protocolName', 'string', '5+', { nullable: '5+', default: null, ignorable: true }),
    array('assignments', '0+', [
      field('memberId', 'string', '0+'),
      field('assignment', 'bytes', '0+'),
    ]),
  ],
  response: [
    field('throttleTimeMs', 'int32', '1+', { ignorable: true }),
    field('errorCode', 'int16', '0+'),
    field('protocolType', 'string', '5+', { nullable: '5+', default: null, ignorable: true }),
    field('protocolName', 'string', '5+', { nullable: '5+', default: null, ignorable: true }),
    field('assignment', 'bytes', '0+'),
  ],
});
