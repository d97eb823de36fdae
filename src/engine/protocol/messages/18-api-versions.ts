import { api, array, field } from '../schema.js';

/**
 * ApiVersions. The response header is always v0, even for the flexible v3+ bodies; an
 * unsupported request version is answered with a v0 body (see broker dispatch).
 */
export const ApiVersions = api({
  apiKey: 18,
  name: 'ApiVersions',
  valid: '0-4',
  flexible: '3+',
  request: [
    field('clientSoftwareName', 'string', '3+', { ignorable: true }),
    field('clientSoftwareVersion', 'string', '3+', { ignorable: true }),
  ],
  response: [
    field('errorCode', 'int16', '0+'),
    array('apiKeys', '0+', [
      field('apiKey', 'int16', '0+'),
      field('minVersion', 'int16', '0+'),
      field('maxVersion', 'int16', '0+'),
    ]),
    field('throttleTimeMs', 'int32', '1+', { ignorable: true }),
    array(
      'supportedFeatures',
      '3+',
      [field('name', 'string', '3+'), field('minVersion', 'int16', '3+'), field('maxVersion', 'int16', '3+')],
      { tagged: '3+', tag: 0, ignorable: true },
    ),
    field('finalizedFeaturesEpoch', 'int64', '3+', { tagged: '3+', tag: 1, default: -1, ignorable: true }),
    array(
      'finalizedFeatures',
      '3+',
      [field('name', 'string', '3+'), field('maxVersionLevel', 'int16', '3+'), field('minVersionLevel', 'int16', '3+')],
      { tagged: '3+', tag: 2, ignorable: true },
    ),
    field('zkMigrationReady', 'bool', '3+', { tagged: '3+', tag: 3, ignorable: true }),
  ],
});
