/**
 * Triple-DES key unwrap (RFC 3217 §3.2, id-alg-CMS3DESwrap), which OpenSSL and older
 * clients use as the key wrap of ECDH key agreement when the content cipher is 3DES.
 * Read only: Cachet never writes 3DES.
 */
import { CachetError } from '../../errors';
import { ownBytes, type CmsCrypto } from '../cms-crypto';
import { desEde3CbcDecryptRaw } from './des-ede3-cbc';

const WRAP_IV = Uint8Array.of(0x4a, 0xdd, 0xa2, 0x2c, 0x79, 0xe8, 0x21, 0x05);

export async function desEde3KeyUnwrap(crypto: CmsCrypto, kek: Uint8Array, wrapped: Uint8Array): Promise<Uint8Array> {
  const failed = (): CachetError => new CachetError('cms/decrypt-failed', 'key unwrap failed (wrong key or tampered message)');
  // A 3DES key (24) plus its ICV (8) plus the random IV (8).
  if (wrapped.length !== 40 || kek.length !== 24) throw failed();
  const temp2 = desEde3CbcDecryptRaw(kek, WRAP_IV, wrapped).reverse();
  const cekIcv = desEde3CbcDecryptRaw(kek, temp2.subarray(0, 8), temp2.subarray(8));
  const cek = cekIcv.slice(0, cekIcv.length - 8);
  const icv = cekIcv.subarray(cekIcv.length - 8);
  // ICV: the first eight octets of SHA-1 of the key (RFC 3217 §2).
  const expected = new Uint8Array(await crypto.subtle.digest('SHA-1', ownBytes(cek)));
  let diff = 0;
  for (let i = 0; i < 8; i++) diff |= icv[i]! ^ expected[i]!;
  if (diff !== 0) throw failed();
  return cek;
}
