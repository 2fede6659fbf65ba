/** Every fuzz target, in the order a full run takes them. */
import type { FuzzTarget } from '../target';
import { certificateTarget } from './certificate';
import { crlTarget } from './crl';
import { derTarget } from './der';
import { envelopedDataTarget } from './enveloped-data';
import { mimeTarget } from './mime';
import { nativeFramesTarget } from './native-frames';
import { readMessageTarget } from './read-message';
import { signedDataTarget } from './signed-data';
import { validationTarget } from './validation';

export const TARGETS: readonly FuzzTarget[] = [
  mimeTarget,
  derTarget,
  signedDataTarget,
  envelopedDataTarget,
  certificateTarget,
  crlTarget,
  validationTarget,
  nativeFramesTarget,
  readMessageTarget,
];
