import { api, array, field } from '../schema.js';

/**
 * DescribeLogDirs (clients/src/main/resources/common/message/DescribeLogDirsRequest.json and
 * DescribeLogDirsResponse.json): the log directories of a broker, with each partition's size on
 * disk. A null topic list means every topic. v3 adds the top-level error code, v4 the volume's
 * total and usable bytes (KIP-827).
 */
export const DescribeLogDirs = api({
  apiKey: 35,
  name: 'DescribeLogDirs',
  valid: '0-4',
  flexible: '2+',
  request: [
    array('topics', '0+', [
      field('topic', 'string', '0+'),
      field('partitions', '[]int32', '0+'),
    ], { nullable: '0+' }),
  ],
  response: [
    field('throttleTimeMs', 'int32', '0+'),
    field('errorCode', 'int16', '3+', { ignorable: true }),
    array('results', '0+', [
      field('errorCode', 'int16', '0+'),
      field('logDir', 'string', '0+'),
      array('topics', '0+', [
        field('name', 'string', '0+'),
        array('partitions', '0+', [
          field('partitionIndex', 'int32', '0+'),
          field('partitionSize', 'int64', '0+'),
          field('offsetLag', 'int64', '0+'),
          field('isFutureKey', 'bool', '0+'),
        ]),
      ]),
      field('totalBytes', 'int64', '4+', { ignorable: true, default: -1 }),
      field('usableBytes', 'int64', '4+', { ignorable: true, default: -1 }),
    ]),
  ],
});
