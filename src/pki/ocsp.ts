import type { RevocationStatus } from './crl-check';
import { TAG, bytesEqual, children, decodeSmallUnsigned, decodeTime, expectUniversal, isContext, malformed, readOid, readTlv, type Tlv } from './der';
import { NULL, encodeOid, integerFromContents, octetString, sequence, tlv } from './der-writer';
import { namesEqual, parseName } from './distinguished-name';
import { OID } from './oids';
import { parseAlgorithmIdentifier, parseCertificate, parseExtensions, type ParsedCertificate } from './parsed-certificate';
import { own, type SignatureVerifier, type WorkingPublicKey } from './signature-verify';

/** The issuer side of a CertID (RFC 6960 §4.1.1): its name and key. */
export interface OcspIssuer {
  readonly subjectDer: Uint8Array;
  readonly key: WorkingPublicKey;
}

export interface OcspRequest {
  readonly der: Uint8Array;
  readonly nameHash: Uint8Array;
  readonly keyHash: Uint8Array;
  readonly serial: Uint8Array;
  readonly nonce: Uint8Array;
}

/** Clock skew tolerated between responder and client. */
const SKEW_MS = 5 * 60_000;

async function sha1(crypto: Crypto, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-1', own(data)));
}

/** An OCSP request for one certificate, with a nonce (RFC 6960 §4.1, RFC 8954). */
export async function buildOcspRequest(crypto: Crypto, cert: ParsedCertificate, issuer: OcspIssuer): Promise<OcspRequest> {
  // SHA-1 CertIDs are what every responder understands; they identify, they do not protect.
  const nameHash = await sha1(crypto, issuer.subjectDer);
  const keyHash = await sha1(crypto, issuer.key.spki.publicKey);
  const nonce = crypto.getRandomValues(new Uint8Array(16));
  const certId = sequence(sequence(encodeOid(OID.sha1), NULL), octetString(nameHash), octetString(keyHash), integerFromContents(cert.serialNumber));
  const nonceExtension = sequence(encodeOid(OID.ocspNonce), octetString(octetString(nonce)));
  const tbsRequest = sequence(sequence(sequence(certId)), tlv(0xa2, sequence(nonceExtension)));
  return { der: sequence(tbsRequest), nameHash, keyHash, serial: cert.serialNumber, nonce };
}

interface SingleResponse {
  readonly nameHash: Uint8Array;
  readonly keyHash: Uint8Array;
  readonly serial: Uint8Array;
  readonly status: RevocationStatus | undefined;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | undefined;
}

function parseSingleResponse(tlvItem: Tlv): SingleResponse {
  const [certId, certStatus, thisUpdateTlv, ...rest] = children(expectUniversal(tlvItem, TAG.SEQUENCE, 'SingleResponse'));
  const [, nameHash, keyHash, serial] = children(expectUniversal(certId, TAG.SEQUENCE, 'CertID'));
  if (!certStatus || !thisUpdateTlv) throw malformed('SingleResponse: incomplete');
  let status: RevocationStatus | undefined;
  if (isContext(certStatus, 0)) status = { status: 'good' };
  else if (isContext(certStatus, 1)) {
    const [time, reasonWrapper] = children(certStatus);
    if (!time) throw malformed('RevokedInfo: no time');
    let reason: number | undefined;
    if (reasonWrapper && isContext(reasonWrapper, 0)) {
      const [enumerated] = children(reasonWrapper);
      if (enumerated) reason = decodeSmallUnsigned(enumerated.value, 'revocationReason');
    }
    status = { status: 'revoked', reason, date: decodeTime(time) };
  } else if (!isContext(certStatus, 2)) throw malformed('SingleResponse: unknown certStatus');
  let nextUpdate: Date | undefined;
  for (const item of rest) {
    if (isContext(item, 0)) {
      const [time] = children(item);
      if (time) nextUpdate = decodeTime(time);
    }
  }
  return {
    nameHash: expectUniversal(nameHash, TAG.OCTET_STRING, 'issuerNameHash').value,
    keyHash: expectUniversal(keyHash, TAG.OCTET_STRING, 'issuerKeyHash').value,
    serial: expectUniversal(serial, TAG.INTEGER, 'serialNumber').value,
    status,
    thisUpdate: decodeTime(thisUpdateTlv),
    nextUpdate,
  };
}

export interface OcspCheck {
  readonly crypto: Crypto;
  readonly verifier: SignatureVerifier;
  readonly request: OcspRequest;
  readonly issuer: OcspIssuer;
  /** Wall-clock time for freshness. */
  readonly now: Date;
  /** Validation time, for the delegated responder certificate's validity. */
  readonly time: Date;
}

/**
 * Verifies an OCSP response (RFC 6960 §3.2, §4.2.2.2): signed by the issuing CA itself, or
 * by a responder certificate the CA issued directly with id-kp-OCSPSigning; about our
 * certificate; fresh; echoing our nonce when it echoes one. Returns the status, or
 * undefined when the response does not answer (unsuccessful, unknown, unverifiable).
 */
export async function verifyOcspResponse(response: Uint8Array, check: OcspCheck): Promise<RevocationStatus | undefined> {
  const [statusTlv, bytesWrapper] = children(expectUniversal(readTlv(response), TAG.SEQUENCE, 'OCSPResponse'));
  if (!statusTlv || statusTlv.tagNumber !== TAG.ENUMERATED || decodeSmallUnsigned(statusTlv.value, 'responseStatus') !== 0 || !bytesWrapper) return undefined;
  const [responseBytes] = children(bytesWrapper);
  const [typeTlv, octets] = children(expectUniversal(responseBytes, TAG.SEQUENCE, 'ResponseBytes'));
  if (readOid(typeTlv, 'responseType') !== OID.ocspBasic) return undefined;
  const basic = expectUniversal(octets, TAG.OCTET_STRING, 'response').value;
  const [tbs, algTlv, sigTlv, certsWrapper] = children(expectUniversal(readTlv(basic), TAG.SEQUENCE, 'BasicOCSPResponse'));
  const tbsParts = children(expectUniversal(tbs, TAG.SEQUENCE, 'ResponseData'));
  let i = 0;
  if (tbsParts[0] && isContext(tbsParts[0], 0)) i++;
  const responderId = tbsParts[i++];
  i++; // producedAt
  const responses = children(expectUniversal(tbsParts[i++], TAG.SEQUENCE, 'responses'), 1000).map(parseSingleResponse);
  const extWrapper = tbsParts[i];
  const algorithm = parseAlgorithmIdentifier(algTlv, 'OCSP signatureAlgorithm');
  const sigBits = expectUniversal(sigTlv, TAG.BIT_STRING, 'OCSP signature').value;
  const signature = sigBits.subarray(1);
  if (!responderId || !tbs) return undefined;

  // Who signed: the CA, or a delegated responder the CA certified.
  const responderMatches = async (subjectDer: Uint8Array, key: WorkingPublicKey): Promise<boolean> => {
    if (isContext(responderId, 1)) {
      const [name] = children(responderId);
      return name !== undefined && namesEqual(parseName(name.encoded), parseName(subjectDer));
    }
    if (isContext(responderId, 2)) {
      const [hash] = children(responderId);
      return hash !== undefined && bytesEqual(hash.value, await sha1(check.crypto, key.spki.publicKey));
    }
    return false;
  };
  const signedBy = async (key: WorkingPublicKey): Promise<boolean> => (await check.verifier.verify(algorithm, key, tbs.encoded, signature)) === 'valid';
  let trusted = false;
  if ((await responderMatches(check.issuer.subjectDer, check.issuer.key)) && (await signedBy(check.issuer.key))) trusted = true;
  if (!trusted && certsWrapper && isContext(certsWrapper, 0)) {
    const [list] = children(certsWrapper);
    for (const certTlv of list ? children(list, 10) : []) {
      const responder = parseCertificate(certTlv.encoded);
      const responderKey: WorkingPublicKey = { spki: responder.spki, dsaParameters: undefined };
      if (!namesEqual(responder.issuer, parseName(check.issuer.subjectDer))) continue;
      if (!responder.extKeyUsage?.includes(OID.ocspSigning)) continue;
      if (check.time < responder.notBefore || check.time > responder.notAfter) continue;
      if ((await check.verifier.verify(responder.signatureAlgorithm, check.issuer.key, responder.tbs, responder.signature)) !== 'valid') continue;
      if (!(await responderMatches(responder.subject.der, responderKey))) continue;
      if (await signedBy(responderKey)) {
        trusted = true;
        break;
      }
    }
  }
  if (!trusted) return undefined;

  if (extWrapper && isContext(extWrapper, 1)) {
    const [exts] = children(extWrapper);
    const nonce = exts ? parseExtensions(exts, 'OCSP response extensions').get(OID.ocspNonce) : undefined;
    if (nonce) {
      const inner = readTlv(nonce.value);
      const echoed = inner.tagNumber === TAG.OCTET_STRING ? inner.value : nonce.value;
      if (!bytesEqual(echoed, check.request.nonce)) return undefined;
    }
  }
  const { request, now } = check;
  const single = responses.find((r) => bytesEqual(r.nameHash, request.nameHash) && bytesEqual(r.keyHash, request.keyHash) && bytesEqual(r.serial, request.serial));
  if (!single) return undefined;
  if (single.thisUpdate.getTime() > now.getTime() + SKEW_MS) return undefined;
  if (single.nextUpdate && single.nextUpdate.getTime() < now.getTime() - SKEW_MS) return undefined;
  return single.status;
}
