// Package edxml reads and writes edXML messages of the national document
// exchange axis (Trục liên thông văn bản quốc gia), QCVN 102:2016/BTTTT:
// the edoc envelope that carries an incoming or outgoing document with its
// attachments, and the status message (gói tin trạng thái) a recipient sends
// back (QĐ 28/2018/QĐ-TTg).
//
// The package is pure: no network, no database. It only turns bytes into Go
// values and back, with three promises that matter for messages that come
// from outside the agency:
//
//   - attachments are decoded while they are read and handed to an
//     AttachmentSink, so a 100 MB attachment is never held in memory whole;
//   - every resource is bounded by Limits (message size, markup size,
//     attachment count and size, element depth);
//   - DOCTYPE declarations are refused, so no entity tricks reach the parser;
//   - zipped attachments are unpacked by Unzip within ZipLimits; a bomb is
//     refused by its directory, or as its bytes inflate when that lies.
//
// Parse is lenient where the axis is: a value of an unusual form (an agency
// code QCVN 102 does not name, a date it cannot read) is a warning on what
// it returns, and only a structurally unreadable package is refused. Status
// messages are read in the axis SDK's layout and in the older SOAP one, and
// written in the SDK's.
//
// Elements are matched by local name and the namespace is not checked:
// senders disagree (VPCP prefixes every element with edXML:, the Bkav hub uses
// the legacy http://www.e-doc.vn/Schema/ namespace). Messages written by this
// package use the QCVN 102:2016 namespace with the edXML: prefix on every
// child of edXMLEnvelope, which the VPCP side requires.
//
// XML-DSig signatures (the Signature element) are skipped when reading and
// not produced when writing; signing and verifying belong to the signer
// packages.
package edxml
