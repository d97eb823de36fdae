import { api, array, field } from '../schema.js';

/** DeleteGroups: only empty groups can be deleted. */
export const DeleteGroups = api({
  apiKey: 42,
  name: 'DeleteGroups',
  valid: '0-2',
  flexible: '2+',
  request: [
    field('groupsNames', '[]string', '0+'),
  ],
  response: [
    field('throttleTimeMs', 'int32', '0+'),
    array('results', '0+', [
      field('groupId', 'string', '0+'),
      field('errorCode', 'int16', '0+'),
    ]),
  ],
});
