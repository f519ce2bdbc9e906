// Package pki fetches and checks the trust material that a long-term
// PAdES signature embeds: RFC 3161 timestamps (TSAClient), OCSP responses
// (OCSPClient) and CRLs (CRLClient), combined for the signer by Revocation.
//
// Every network answer is verified before it is returned, so a caller can
// embed the bytes in a document without checking them again: a timestamp
// token must carry the imprint and nonce that were asked for and be signed
// by a certificate whose only, critical extended key usage is
// id-kp-timeStamping; an OCSP response or CRL must be signed by the
// certificate's issuer (or an OCSP responder that issuer delegated to).
//
// The DEMO certificate authority that tests and demo installations sign with is
// in package pkidemo, apart from this production code.
package pki
