import { api, array, field } from '../schema.js';

/**
 * JoinGroup. v4+: an empty member id gets MEMBER_ID_REQUIRED and a generated id; v5 adds static
 * membership; v7 returns the protocol type; v9 adds `skipAssignment`.
 */
export const JoinGroup = api({
  apiKey: 11,
  name: 'JoinGroup',
  valid: '0-9',
  flexible: '6+',
  request: [
    field('groupId', 'string', '0+'),
    field('sessionTimeoutMs', 'int32', '0+'),
    field('rebalanceTimeoutMs', 'int32', '1+', { default: -1, ignorable: true }),
    field('memberId', 'string', '0+'),
    field('groupInstanceId', 'string', '5+', { nullable: '5+', default: null }),
    field('protocolType', 'string', '0+'),
    array('protocols', '0+', [
      field('name', 'string', '0+'),
      field('metadata', 'bytes', '0+'),
    ]),
    field('reason', 'string', '8+', { nullable: '8+', default: null, ignorable: true }),
  ],
  response: [
    field('throttleTimeMs', 'int32', '2+', { ignorable: true }),
    field('errorCode', 'int16', '0+'),
    field('generationId', 'int32', '0+', { default: -1 }),
    field('protocolType', 'string', '7+', { nullable: '7+', default: null, ignorable: true }),
    field('protocolName', 'string', '0+', { nullable: '7+' }),
    field('leader', 'string', '0+'),
    field('skipAssignment', 'bool', '9+'),
    field('memberId', 'string', '0+'),
    array('members', '0+', [
      field('memberId', 'string', '0+'),
      field('groupInstanceId', 'string', '5+', { nullable: '5+', default: null, ignorable: true }),
      field('metadata', 'bytes', '0+'),
    ]),
  ],
});
