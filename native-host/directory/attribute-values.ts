/**
 * The values of one attribute of an entry as ldapts returns it, found however the server
 * spelled the attribute. Attribute names compare case-insensitively (RFC 4512 §2.5), a
 * server may answer `userCertificate` to a request for `userCertificate;binary` (the
 * option only says how values travel, RFC 4522), and a request may use an OID where the
 * server answers with the name. ldapts gives strings for values that are valid UTF-8 and
 * Buffers for the rest; every value comes out here as the bytes the server sent.
 */
import type { Entry } from 'ldapts';

/** The attribute types Cachet reads, by OID (RFC 4519, 4524, 2798, 4523, AD). */
const NAME_OF_OID: Readonly<Record<string, string>> = {
  '2.5.4.0': 'objectclass',
  '0.9.2342.19200300.100.1.3': 'mail',
  '0.9.2342.19200300.100.1.22': 'othermailbox',
  '1.2.840.113556.1.2.210': 'proxyaddresses',
  '2.5.4.36': 'usercertificate',
  '2.16.840.1.113730.3.1.40': 'usersmimecertificate',
  '2.5.4.37': 'cacertificate',
  '2.5.4.38': 'authorityrevocationlist',
  '2.5.4.39': 'certificaterevocationlist',
  '2.5.4.40': 'crosscertificatepair',
  '2.5.4.53': 'deltarevocationlist',
};

/** The attribute's type in lower case, by name, without the ;binary transfer option. */
export function attributeType(description: string): string {
  const [type = '', ...options] = description.toLowerCase().split(';');
  const name = NAME_OF_OID[type] ?? type;
  const kept = options.filter((o) => o !== 'binary');
  return [name, ...kept].join(';');
}

function bytesOf(value: Buffer | string): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}

/** Every value of the attribute `description` in `entry`, in the server's order. */
export function valuesOf(entry: Entry, description: string): Buffer[] {
  const wanted = attributeType(description);
  const out: Buffer[] = [];
  for (const key of Object.keys(entry)) {
    if (key === 'dn' || attributeType(key) !== wanted) continue;
    const value = entry[key];
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      for (const v of value) out.push(bytesOf(v));
    } else {
      out.push(bytesOf(value));
    }
  }
  return out;
}

/** The values as text, for attributes whose syntax is a string (objectClass, mail). */
export function textValuesOf(entry: Entry, description: string): string[] {
  return valuesOf(entry, description).map((value) => value.toString('utf8'));
}
