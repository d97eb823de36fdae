import { api, array, field } from '../schema.js';

/** ListGroups. v4 adds the state filter, v5 the type filter. */
export const ListGroups = api({
  apiKey: 16,
  name: 'ListGroups',
  valid: '0-5',
  flexible: '3+',
  request: [
    field('statesFilter', '[]string', '4+'),
    field('typesFilter', '[]string', '5+'),
  ],
  response: [
    field('throttleTimeMs', 'int32', '1+', { ignorable: true }),
    field('errorCode', 'int16', '0+'),
    array('groups', '0+', [
      field('groupId', 'string', '0+'),
      field('protocolType', 'string', '0+'),
      field('groupState', 'string', '4+', { ignorable: true }),
      field('groupType', 'string', '5+', { ignorable: true }),
    ]),
  ],
});
