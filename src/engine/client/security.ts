/**
 * Kafka client properties (--command-config / --producer.config / --consumer.config) translated
 * into the TLS and SASL settings our clients use.
 *
 *   const props = loadClientProperties('/path/client.properties');   // Map<string,string>
 *   const sec = translateSecurity(props);   // { ssl?: tls.ConnectionOptions, sasl?: SaslSettings }
 *   ProtocolConnection.open(host, port, { security: sec })              // our protocol client
 *
 * Supported: security.protocol PLAINTEXT | SSL | SASL_PLAINTEXT | SASL_SSL; sasl.mechanism
 * PLAIN | SCRAM-SHA-256 | SCRAM-SHA-512 with credentials from sasl.jaas.config; ssl.truststore.*
 * and ssl.keystore.* as PEM or PKCS12 files (a PKCS12 trust store is read by pkcs12.ts) or inline PEM; ssl.key.password;
 * ssl.endpoint.identification.algorithm (empty = no hostname check). JKS stores fail with a
 * message that says how to convert them. Unknown keys are ignored, as Kafka does.
 * Every problem is a SecurityConfigError with a one-line message.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { PropertiesError, readPropertiesFile } from '../config/properties.js';
import { Pkcs12Error, pkcs12Certificates } from './pkcs12.js';

export class SecurityConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecurityConfigError';
  }
}

export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

export interface SaslSettings {
  mechanism: SaslMechanism;
  username: string;
  password: string;
}

export interface SecuritySettings {
  /** TLS options for tls.connect; absent for PLAINTEXT / SASL_PLAINTEXT. */
  ssl?: ConnectionOptions;
  sasl?: SaslSettings;
  /** security.protocol as given (upper case), PLAINTEXT by default. */
  protocol: 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
}

/** Reads a properties file, turning a missing/unreadable file into a one-line error. */
export function loadClientProperties(path: string): Map<string, string> {
  try {
    return readPropertiesFile(path);
  } catch (err) {
    if (err instanceof PropertiesError) throw new SecurityConfigError(`Cannot read properties file ${err.message}`);
    throw err;
  }
}

export interface JaasEntry {
  loginModule: string;
  flag: string;
  options: Record<string, string>;
}

/**
 * Parses a sasl.jaas.config value the way Kafka's JaasConfig does (StreamTokenizer): a login
 * module class, a control flag, key=value options (quoted or bare), and a terminating ';'.
 * Comments (// and /* *\/) are allowed. Errors carry Kafka's messages.
 */
export function parseJaasConfig(text: string): JaasEntry[] {
  const tokens: { kind: 'word' | 'quoted' | 'sym'; value: string }[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let v = '';
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\' && j + 1 < text.length) j++;
        v += text[j];
        j++;
      }
      if (j >= text.length) throw new SecurityConfigError(`Unterminated quoted string in JAAS config`);
      tokens.push({ kind: 'quoted', value: v });
      i = j + 1;
    } else if (c === '=' || c === ';') {
      tokens.push({ kind: 'sym', value: c });
      i++;
    } else {
      let j = i;
      while (j < text.length && !/[\s=;"']/.test(text[j]!)) j++;
      tokens.push({ kind: 'word', value: text.slice(i, j) });
      i = j;
    }
  }
  const entries: JaasEntry[] = [];
  let p = 0;
  while (p < tokens.length) {
    const mod = tokens[p++]!;
    if (mod.kind !== 'word') throw new SecurityConfigError('Login module not specified in JAAS config');
    const flagTok = tokens[p++];
    if (!flagTok || flagTok.kind !== 'word' || !/^(required|requisite|sufficient|optional)$/i.test(flagTok.value)) {
      throw new SecurityConfigError(`Invalid control flag '${flagTok?.value ?? ''}' in JAAS config`);
    }
    const options: Record<string, string> = {};
    for (;;) {
      const t = tokens[p];
      if (!t) throw new SecurityConfigError('JAAS config entry not terminated by semi-colon');
      if (t.kind === 'sym' && t.value === ';') {
        p++;
        break;
      }
      if (t.kind !== 'word') throw new SecurityConfigError('JAAS config entry not terminated by semi-colon');
      const eq = tokens[p + 1];
      const val = tokens[p + 2];
      if (!eq || eq.kind !== 'sym' || eq.value !== '=' || !val || val.kind === 'sym') {
        throw new SecurityConfigError(`Value not specified for key '${t.value}' in JAAS config`);
      }
      options[t.value] = val.value;
      p += 3;
    }
    entries.push({ loginModule: mod.value, flag: flagTok.value.toLowerCase(), options });
  }
  if (entries.length === 0) throw new SecurityConfigError('Login module not specified in JAAS config');
  return entries;
}

const PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;

function readFileProp(props: Map<string, string>, key: string): Buffer {
  const path = props.get(key)!;
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new SecurityConfigError(`Cannot read ${key} ${path}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
}

function jksError(key: string, path: string): SecurityConfigError {
  return new SecurityConfigError(
    `${key} ${path} is a JKS store, which mq cannot read. Convert it to PKCS12 with: ` +
      `keytool -importkeystore -srckeystore ${path} -destkeystore ${path.replace(/\.jks$/i, '')}.p12 -deststoretype PKCS12 ` +
      `(then set ${key.replace('location', 'type')}=PKCS12), or export PEM files and use type PEM`,
  );
}

function storeType(props: Map<string, string>, key: 'truststore' | 'keystore'): string {
  const explicit = props.get(`ssl.${key}.type`)?.trim().toUpperCase();
  if (explicit) return explicit;
  // Kafka's default is JKS; guess from the file name so .pem / .p12 work without the type key.
  const loc = props.get(`ssl.${key}.location`) ?? '';
  if (/\.(pem|crt|cer)$/i.test(loc)) return 'PEM';
  if (/\.(p12|pfx)$/i.test(loc)) return 'PKCS12';
  return 'JKS';
}

function tlsOptions(props: Map<string, string>): ConnectionOptions {
  const ssl: ConnectionOptions = {};
  // Trust store
  const inlineCa = props.get('ssl.truststore.certificates');
  if (inlineCa) {
    ssl.ca = inlineCa;
  } else if (props.get('ssl.truststore.location')) {
    const loc = props.get('ssl.truststore.location')!;
    const type = storeType(props, 'truststore');
    if (type === 'JKS') throw jksError('ssl.truststore.location', loc);
    if (type === 'PEM') {
      ssl.ca = readFileProp(props, 'ssl.truststore.location').toString('utf8');
    } else if (type === 'PKCS12') {
      // Not through Node's pfx: that needs a private key, and a trust store (keytool
      // -importcert) has certificates only ("Unable to load private key from PFX data").
      try {
        ssl.ca = pkcs12Certificates(readFileProp(props, 'ssl.truststore.location'), props.get('ssl.truststore.password') ?? '');
      } catch (err) {
        if (!(err instanceof Pkcs12Error)) throw err;
        throw new SecurityConfigError(`Cannot read ssl.truststore.location ${loc}: ${err.message}`);
      }
      if (ssl.ca.length === 0) throw new SecurityConfigError(`ssl.truststore.location ${loc} holds no certificates`);
    } else {
      throw new SecurityConfigError(`Unsupported ssl.truststore.type ${type}: use PEM or PKCS12`);
    }
  }
  // Key store
  const inlineChain = props.get('ssl.keystore.certificate.chain');
  const inlineKey = props.get('ssl.keystore.key');
  const keyPassword = props.get('ssl.key.password');
  if (inlineChain || inlineKey) {
    if (!inlineChain || !inlineKey) {
      throw new SecurityConfigError('ssl.keystore.certificate.chain and ssl.keystore.key must be given together');
    }
    ssl.cert = inlineChain;
    ssl.key = inlineKey;
    if (keyPassword) ssl.passphrase = keyPassword;
  } else if (props.get('ssl.keystore.location')) {
    const loc = props.get('ssl.keystore.location')!;
    const type = storeType(props, 'keystore');
    if (type === 'JKS') throw jksError('ssl.keystore.location', loc);
    if (type === 'PEM') {
      // A PEM key store holds the private key and the certificate chain in one file.
      const pem = readFileProp(props, 'ssl.keystore.location').toString('utf8');
      ssl.cert = pem;
      ssl.key = pem;
      const pass = keyPassword ?? props.get('ssl.keystore.password');
      if (pass) ssl.passphrase = pass;
    } else if (type === 'PKCS12') {
      ssl.pfx = [{ buf: readFileProp(props, 'ssl.keystore.location'), passphrase: props.get('ssl.keystore.password') ?? keyPassword ?? '' }];
    } else {
      throw new SecurityConfigError(`Unsupported ssl.keystore.type ${type}: use PEM or PKCS12`);
    }
  }
  const algo = props.get('ssl.endpoint.identification.algorithm');
  if (algo !== undefined && algo.trim() === '') {
    // Kafka: an empty value disables hostname verification (the chain is still checked).
    ssl.checkServerIdentity = () => undefined;
  } else if (algo !== undefined && algo.trim().toLowerCase() !== 'https') {
    throw new SecurityConfigError(`Unsupported ssl.endpoint.identification.algorithm ${algo}: use https or an empty value`);
  }
  const proto = props.get('ssl.protocol')?.trim();
  if (proto && /^TLSv1\.[23]$/.test(proto)) ssl.minVersion = proto as 'TLSv1.2' | 'TLSv1.3';
  const enabled = props.get('ssl.enabled.protocols')?.split(',').map((s) => s.trim()).filter(Boolean);
  if (enabled && enabled.length > 0) {
    const ok = enabled.filter((p) => /^TLSv1(\.[0-3])?$/.test(p)).sort();
    if (ok.length) {
      ssl.minVersion = ok[0] as ConnectionOptions['minVersion'];
      ssl.maxVersion = ok[ok.length - 1] as ConnectionOptions['maxVersion'];
    }
  }
  return ssl;
}

function saslSettings(props: Map<string, string>): SaslSettings {
  const mech = (props.get('sasl.mechanism') ?? 'GSSAPI').trim().toUpperCase();
  if (mech !== 'PLAIN' && mech !== 'SCRAM-SHA-256' && mech !== 'SCRAM-SHA-512') {
    throw new SecurityConfigError(`Unsupported sasl.mechanism ${mech}: mq supports PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512`);
  }
  const jaas = props.get('sasl.jaas.config');
  if (!jaas) throw new SecurityConfigError(`sasl.mechanism ${mech} needs sasl.jaas.config with a username and password`);
  const [entry] = parseJaasConfig(jaas);
  const expected = mech === 'PLAIN' ? 'PlainLoginModule' : 'ScramLoginModule';
  if (!entry!.loginModule.endsWith(expected)) {
    throw new SecurityConfigError(`sasl.jaas.config uses ${entry!.loginModule}, but sasl.mechanism ${mech} needs org.apache.kafka.common.security.${mech === 'PLAIN' ? 'plain.PlainLoginModule' : 'scram.ScramLoginModule'}`);
  }
  const { username, password } = entry!.options;
  if (username === undefined || password === undefined) {
    throw new SecurityConfigError('sasl.jaas.config must set username="..." and password="..."');
  }
  return { mechanism: mech.toLowerCase() as SaslMechanism, username, password };
}

/** Properties → TLS/SASL settings. Throws SecurityConfigError with a one-line message. */
export function translateSecurity(props: Map<string, string>): SecuritySettings {
  const raw = (props.get('security.protocol') ?? 'PLAINTEXT').trim().toUpperCase();
  if (!(PROTOCOLS as readonly string[]).includes(raw)) {
    throw new SecurityConfigError(`Invalid value ${props.get('security.protocol')} for configuration security.protocol: use one of ${PROTOCOLS.join(', ')}`);
  }
  const protocol = raw as SecuritySettings['protocol'];
  const out: SecuritySettings = { protocol };
  if (protocol === 'SSL' || protocol === 'SASL_SSL') out.ssl = tlsOptions(props);
  if (protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL') out.sasl = saslSettings(props);
  return out;
}
