import { api, field } from '../schema.js';

/** SaslHandshake. v1 means SASL bytes follow in SaslAuthenticate requests. */
export const SaslHandshake = api({
  apiKey: 17,
  name: 'SaslHandshake',
  valid: '0-1',
  flexible: 'none',
  request: [
    field('mechanism', 'string', '0+'),
  ],
  response: [
    field('errorCode', 'int16', '0+'),
    field('mechanisms', '[]string', '0+'),
  ],
});
