// Package pkidemo is a DEMO certificate authority, NOT FOR PRODUCTION: a root, an
// issuing CA and a timestamp authority with their own OCSP responder, CRL distribution
// point and RFC 3161 server, so that demo installations and tests can sign documents
// without a licensed Vietnamese CA. Every certificate it issues says
// "DEMO — NOT FOR PRODUCTION" in its subject; never trust its root outside demo mode.
// The clients that check what it serves are in package pki.
package pkidemo
