import { api, field } from '../schema.js';

/** SaslAuthenticate: opaque SASL mechanism bytes. */
export const SaslAuthenticate = api({
  apiKey: 36,
  name: 'SaslAuthenticate',
  valid: '0-2',
  flexible: '2+',
  request: [
    field('authBytes', 'bytes', '0+'),
  ],
  response: [
    field('errorCode', 'int16', '0+'),
    field('errorMessage', 'string', '0+', { nullable: '0+' }),
    field('authBytes', 'bytes', '0+'),
    field('sessionLifetimeMs', 'int64', '1+', { ignorable: true }),
  ],
});
