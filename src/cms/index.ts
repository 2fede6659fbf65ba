/** The CMS engine's public surface (RFC 5652, RFC 8551). */
export type { HashName, KeyOperator, KeyTransportScheme, NamedCurve, SignatureScheme } from './key-operator';
export { signSignedData, type SignSignedDataOptions, type SigningHash } from './signed-data-sign';
export {
  parseSignedData,
  verifySignedData,
  type SignedDataVerification,
  type SignerStatus,
  type SignerVerification,
  type VerifySignedDataOptions,
} from './signed-data-verify';
export { signSmimeEntity, type SmimeSignOptions } from './smime-sign';
export {
  verifySignedPart,
  verifySmime,
  type LayerStatus,
  type SignedLayer,
  type SmimeVerification,
  type SmimeVerifyOptions,
} from './smime-verify';
export {
  DEFAULT_SMIME_CAPABILITIES,
  type EncryptionKeyPreference,
  type IssuerAndSerial,
  type SmimeCapability,
} from './smime-attributes';
export { emailAddresses } from './certificate-fields';
