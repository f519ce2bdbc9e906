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
// The package also holds a DEMO certificate authority (DemoCA) with its
// own OCSP responder, CRL distribution point and timestamp authority. It
// exists only so that demo installations and tests can sign documents
// without a licensed Vietnamese CA. Every certificate it issues says
// "DEMO — NOT FOR PRODUCTION" in its subject; never trust its root outside
// demo mode.
package pki
