/**
 * The certificates of a PKCS#12 trust store, as PEM, for tls.connect's `ca`.
 *
 *   const pems = pkcs12Certificates(readFileSync('truststore.p12'), 'changeit');
 *
 * Node can only load a PKCS#12 file through `pfx`, which insists on a private key, so a Java
 * trust store (keytool -importcert -storetype PKCS12: certificate bags only) fails there with
 * "Unable to load private key from PFX data". This reads the file itself (RFC 7292): the MAC is
 * checked (so a wrong password is reported as such), and certificate bags are decrypted with
 * PBES2 (PBKDF2 + AES-CBC / 3DES: Java 12+ keytool and OpenSSL 3 defaults),
 * pbeWithSHAAnd3-KeyTripleDES-CBC (OpenSSL 1.x, -legacy), or stored unencrypted. RC2 (Java 8
 * keytool before 8u301) is refused with a one-line message. Only DER (definite lengths).
 * Errors are Pkcs12Error with a one-line message.
 */
import { createDecipheriv, createHash, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';

export class Pkcs12Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Pkcs12Error';
  }
}

interface Node {
  tag: number;
  constructed: boolean;
  /** the content bytes */
  value: Buffer;
}

function readNode(buf: Buffer, offset: number): { node: Node; next: number } {
  if (offset + 2 > buf.length) throw new Pkcs12Error('truncated DER');
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new Pkcs12Error('unsupported DER tag');
  let len = buf[offset + 1]!;
  let p = offset + 2;
  if (len === 0x80) throw new Pkcs12Error('indefinite-length (BER) encoding is not supported');
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n > 4 || p + n > buf.length) throw new Pkcs12Error('bad DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i]!;
    p += n;
  }
  if (p + len > buf.length) throw new Pkcs12Error('truncated DER');
  return { node: { tag, constructed: (tag & 0x20) !== 0, value: buf.subarray(p, p + len) }, next: p + len };
}

function children(n: Node): Node[] {
  const out: Node[] = [];
  let p = 0;
  while (p < n.value.length) {
    const { node, next } = readNode(n.value, p);
    out.push(node);
    p = next;
  }
  return out;
}

function parse(buf: Buffer): Node {
  return readNode(buf, 0).node;
}

function expect(n: Node | undefined, tag: number, what: string): Node {
  if (!n || n.tag !== tag) throw new Pkcs12Error(`not a PKCS#12 file (${what})`);
  return n;
}

const SEQ = 0x30;
const OID = 0x06;
const OCTETS = 0x04;
const INT = 0x02;

function oid(n: Node | undefined): string {
  const v = expect(n, OID, 'object identifier').value;
  const parts: number[] = [];
  let acc = 0;
  for (const b of v) {
    acc = acc * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      if (parts.length === 0) parts.push(acc < 80 ? Math.floor(acc / 40) : 2, acc < 80 ? acc % 40 : acc - 80);
      else parts.push(acc);
      acc = 0;
    }
  }
  return parts.join('.');
}

function int(n: Node | undefined): number {
  const v = expect(n, INT, 'integer').value;
  let x = 0;
  for (const b of v) x = x * 256 + b;
  return x;
}

/** An OCTET STRING's bytes, primitive or constructed (chunks concatenated). */
function octets(n: Node): Buffer {
  return n.constructed ? Buffer.concat(children(n).map(octets)) : n.value;
}

/** [0] EXPLICIT: the one inner node. */
function explicit0(n: Node | undefined): Node {
  if (!n || n.tag !== 0xa0) throw new Pkcs12Error('not a PKCS#12 file ([0] expected)');
  return children(n)[0] ?? (() => { throw new Pkcs12Error('not a PKCS#12 file (empty [0])'); })();
}

const DIGESTS: Record<string, { name: string; v: number }> = {
  '1.3.14.3.2.26': { name: 'sha1', v: 64 },
  '2.16.840.1.101.3.4.2.4': { name: 'sha224', v: 64 },
  '2.16.840.1.101.3.4.2.1': { name: 'sha256', v: 64 },
  '2.16.840.1.101.3.4.2.2': { name: 'sha384', v: 128 },
  '2.16.840.1.101.3.4.2.3': { name: 'sha512', v: 128 },
};

const PRFS: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};

const PBES2_CIPHERS: Record<string, { name: string; keyLen: number }> = {
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', keyLen: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', keyLen: 24 },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', keyLen: 32 },
  '1.2.840.113549.3.7': { name: 'des-ede3-cbc', keyLen: 24 },
};

/** The password as PKCS#12 wants it for its own KDF: BMPString (UTF-16BE) plus two zero bytes. */
function bmpPassword(password: string): Buffer {
  const b = Buffer.alloc(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) b.writeUInt16BE(password.charCodeAt(i), i * 2);
  return b;
}

/** RFC 7292 appendix B.2: id 1 = key, 2 = IV, 3 = MAC key. */
function pkcs12Kdf(hash: string, v: number, password: Buffer, salt: Buffer, id: number, iterations: number, n: number): Buffer {
  const fill = (src: Buffer): Buffer => {
    if (src.length === 0) return Buffer.alloc(0);
    const len = v * Math.ceil(src.length / v);
    const out = Buffer.alloc(len);
    for (let i = 0; i < len; i++) out[i] = src[i % src.length]!;
    return out;
  };
  const D = Buffer.alloc(v, id);
  const I = Buffer.concat([fill(salt), fill(password)]);
  const out: Buffer[] = [];
  let got = 0;
  while (got < n) {
    let A = createHash(hash).update(D).update(I).digest();
    for (let r = 1; r < iterations; r++) A = createHash(hash).update(A).digest();
    out.push(A);
    got += A.length;
    if (got >= n) break;
    const B = Buffer.alloc(v);
    for (let i = 0; i < v; i++) B[i] = A[i % A.length]!;
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const x = I[j + k]! + B[k]! + carry;
        I[j + k] = x & 0xff;
        carry = x >> 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, n);
}

function decrypt(algorithm: Node, data: Buffer, password: string): Buffer {
  const [algOid, params] = children(expect(algorithm, SEQ, 'algorithm'));
  const alg = oid(algOid);
  let cipher: string;
  let key: Buffer;
  let iv: Buffer;
  if (alg === '1.2.840.113549.1.5.13') {
    // PBES2
    const [kdf, enc] = children(expect(params, SEQ, 'PBES2 parameters'));
    const [kdfOid, kdfParams] = children(expect(kdf, SEQ, 'PBES2 KDF'));
    if (oid(kdfOid) !== '1.2.840.113549.1.5.12') throw new Pkcs12Error(`unsupported PBES2 key derivation ${oid(kdfOid)}`);
    const kp = children(expect(kdfParams, SEQ, 'PBKDF2 parameters'));
    const salt = expect(kp[0], OCTETS, 'PBKDF2 salt').value;
    const iterations = int(kp[1]);
    let keyLen: number | undefined;
    let prf = 'sha1';
    for (const extra of kp.slice(2)) {
      if (extra.tag === INT) keyLen = int(extra);
      else if (extra.tag === SEQ) {
        const id = oid(children(extra)[0]);
        const p = PRFS[id];
        if (!p) throw new Pkcs12Error(`unsupported PBKDF2 PRF ${id}`);
        prf = p;
      }
    }
    const [encOid, ivNode] = children(expect(enc, SEQ, 'PBES2 cipher'));
    const c = PBES2_CIPHERS[oid(encOid)];
    if (!c) throw new Pkcs12Error(`unsupported PBES2 cipher ${oid(encOid)}`);
    cipher = c.name;
    iv = expect(ivNode, OCTETS, 'PBES2 IV').value;
    // PBKDF2 takes the password as UTF-8 bytes (OpenSSL and Java alike).
    key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, keyLen ?? c.keyLen, prf);
  } else if (alg === '1.2.840.113549.1.12.1.3') {
    // pbeWithSHAAnd3-KeyTripleDES-CBC
    const [saltNode, iterNode] = children(expect(params, SEQ, 'PBE parameters'));
    const salt = expect(saltNode, OCTETS, 'PBE salt').value;
    const iterations = int(iterNode);
    const pw = bmpPassword(password);
    cipher = 'des-ede3-cbc';
    key = pkcs12Kdf('sha1', 64, pw, salt, 1, iterations, 24);
    iv = pkcs12Kdf('sha1', 64, pw, salt, 2, iterations, 8);
  } else if (alg === '1.2.840.113549.1.12.1.5' || alg === '1.2.840.113549.1.12.1.6') {
    throw new Pkcs12Error(
      'it is encrypted with RC2 (an old keytool default), which mq cannot read; re-create it with a current keytool ' +
        '(keytool -importkeystore -srckeystore old.p12 -srcstoretype PKCS12 -destkeystore new.p12 -deststoretype PKCS12) or use a PEM file',
    );
  } else {
    throw new Pkcs12Error(`unsupported encryption ${alg}`);
  }
  try {
    const d = createDecipheriv(cipher, key, iv);
    return Buffer.concat([d.update(data), d.final()]);
  } catch {
    throw new Pkcs12Error('wrong password or damaged file');
  }
}

function checkMac(macData: Node, authSafe: Buffer, password: string): void {
  const [digestInfo, saltNode, iterNode] = children(expect(macData, SEQ, 'MacData'));
  const [algId, digestNode] = children(expect(digestInfo, SEQ, 'DigestInfo'));
  const algOid = oid(children(expect(algId, SEQ, 'digest algorithm'))[0]);
  const d = DIGESTS[algOid];
  if (!d) throw new Pkcs12Error(`unsupported MAC digest ${algOid}`);
  const expected = expect(digestNode, OCTETS, 'MAC').value;
  const salt = expect(saltNode, OCTETS, 'MAC salt').value;
  const iterations = iterNode ? int(iterNode) : 1;
  const macKey = pkcs12Kdf(d.name, d.v, bmpPassword(password), salt, 3, iterations, expected.length);
  const actual = createHmac(d.name, macKey).update(authSafe).digest();
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw new Pkcs12Error('wrong password (the integrity check failed)');
  }
}

const DATA = '1.2.840.113549.1.7.1';
const ENCRYPTED_DATA = '1.2.840.113549.1.7.6';
const CERT_BAG = '1.2.840.113549.1.12.10.1.3';
const SAFE_CONTENTS_BAG = '1.2.840.113549.1.12.10.1.6';
const X509_CERT = '1.2.840.113549.1.9.22.1';

function collectCerts(safeContents: Node, out: Buffer[]): void {
  for (const bag of children(expect(safeContents, SEQ, 'SafeContents'))) {
    const [idNode, valueNode] = children(expect(bag, SEQ, 'SafeBag'));
    const id = oid(idNode);
    if (id === CERT_BAG) {
      const [certType, certValue] = children(expect(explicit0(valueNode), SEQ, 'CertBag'));
      if (oid(certType) === X509_CERT) out.push(octets(explicit0(certValue)));
    } else if (id === SAFE_CONTENTS_BAG) {
      collectCerts(explicit0(valueNode), out);
    }
  }
}

function toPem(der: Buffer): string {
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

/** Every X.509 certificate in a PKCS#12 file, as PEM strings. */
export function pkcs12Certificates(file: Buffer, password: string): string[] {
  let pfx: Node;
  try {
    pfx = parse(file);
  } catch {
    throw new Pkcs12Error('not a PKCS#12 file');
  }
  const [version, authSafeInfo, macData] = children(expect(pfx, SEQ, 'PFX'));
  if (int(version) !== 3) throw new Pkcs12Error('not a PKCS#12 file (version)');
  const [ctype, content] = children(expect(authSafeInfo, SEQ, 'authSafe'));
  if (oid(ctype) !== DATA) throw new Pkcs12Error('public-key integrity mode is not supported');
  const authSafe = octets(explicit0(content));
  if (macData) checkMac(macData, authSafe, password);
  const certs: Buffer[] = [];
  for (const info of children(expect(parse(authSafe), SEQ, 'AuthenticatedSafe'))) {
    const [t, c] = children(expect(info, SEQ, 'ContentInfo'));
    const type = oid(t);
    if (type === DATA) {
      collectCerts(parse(octets(explicit0(c))), certs);
    } else if (type === ENCRYPTED_DATA) {
      const [, eci] = children(expect(explicit0(c), SEQ, 'EncryptedData'));
      const [, alg, enc] = children(expect(eci, SEQ, 'EncryptedContentInfo'));
      if (!enc || (enc.tag !== 0x80 && enc.tag !== 0xa0)) continue;
      collectCerts(parse(decrypt(alg!, enc.tag === 0x80 ? enc.value : octets({ ...enc, constructed: true }), password)), certs);
    }
    // enveloped data (public-key privacy mode) is not used for trust stores
  }
  return certs.map(toPem);
}
