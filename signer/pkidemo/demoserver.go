package pkidemo

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"time"

	"github.com/digitorus/timestamp"
	"golang.org/x/crypto/ocsp"
)

// How long DEMO answers are valid; clients cache them that long.
const (
	OCSPValidity    = time.Hour
	demoCRLValidity = time.Hour
	demoMaxRequest  = 64 << 10
)

type cachedCRL struct {
	der        []byte
	thisUpdate time.Time
}

// Handler serves the DEMO PKI, to be mounted at the base URL:
//
//	POST /ocsp, GET /ocsp/{base64}  OCSP responder (RFC 6960)
//	GET  /crl/root.crl, /crl/ca.crl CRLs of the root and the issuing CA
//	GET  /ca/root.crt, /ca/ca.crt, /ca/tsa.crt  certificates (DER)
//	POST /tsa                       timestamp authority (RFC 3161)
func (ca *CA) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /ocsp", ca.serveOCSPPost)
	mux.HandleFunc("GET /ocsp/{req...}", ca.serveOCSPGet)
	mux.HandleFunc("GET /crl/{name}", ca.serveCRL)
	mux.HandleFunc("GET /ca/{name}", ca.serveCert)
	mux.HandleFunc("POST /tsa", ca.serveTSA)
	return mux
}

func (ca *CA) serveOCSPPost(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, demoMaxRequest))
	if err != nil {
		writeDER(w, "application/ocsp-response", ocsp.MalformedRequestErrorResponse)
		return
	}
	writeDER(w, "application/ocsp-response", ca.answerOCSP(body))
}

// serveOCSPGet handles RFC 6960 Appendix A.1 GET requests, whose path is
// the URL-escaped base64 of the DER request.
func (ca *CA) serveOCSPGet(w http.ResponseWriter, r *http.Request) {
	raw, err := url.PathUnescape(r.PathValue("req"))
	if err == nil {
		var der []byte
		if der, err = base64.StdEncoding.DecodeString(raw); err == nil {
			writeDER(w, "application/ocsp-response", ca.answerOCSP(der))
			return
		}
	}
	writeDER(w, "application/ocsp-response", ocsp.MalformedRequestErrorResponse)
}

// answerOCSP returns a signed response, or one of the fixed error
// responses when the request is malformed or about another CA.
func (ca *CA) answerOCSP(der []byte) []byte {
	req, err := ocsp.ParseRequest(der)
	if err != nil {
		return ocsp.MalformedRequestErrorResponse
	}
	ca.mu.Lock()
	defer ca.mu.Unlock()
	auth, ok := ca.authorityFor(req)
	if !ok {
		return ocsp.UnauthorizedErrorResponse
	}
	now := ca.cfg.now().UTC().Truncate(time.Second)
	tmpl := ocsp.Response{
		Status: ocsp.Unknown, SerialNumber: req.SerialNumber, IssuerHash: req.HashAlgorithm,
		ThisUpdate: now, NextUpdate: now.Add(OCSPValidity),
	}
	rec := ca.record(req.SerialNumber.Text(16))
	if rec == nil {
		ca.refresh() // perhaps issued by another process since
		rec = ca.record(req.SerialNumber.Text(16))
	}
	if rec != nil && rec.Issuer == auth.name {
		tmpl.Status = ocsp.Good
		if !rec.RevokedAt.IsZero() && !now.Before(rec.RevokedAt) {
			tmpl.Status, tmpl.RevokedAt, tmpl.RevocationReason = ocsp.Revoked, rec.RevokedAt, int(rec.Reason)
		}
	}
	resp, err := ocsp.CreateResponse(auth.cert, auth.cert, tmpl, auth.key)
	if err != nil {
		return ocsp.InternalErrorErrorResponse
	}
	return resp
}

// authorityFor finds the CA whose name and key hashes the request names.
func (ca *CA) authorityFor(req *ocsp.Request) (authority, bool) {
	if !req.HashAlgorithm.Available() {
		return authority{}, false
	}
	for _, a := range []authority{ca.issuing, ca.root} {
		nameHash, keyHash, err := certIDHashes(a.cert, req.HashAlgorithm)
		if err == nil && bytes.Equal(nameHash, req.IssuerNameHash) && bytes.Equal(keyHash, req.IssuerKeyHash) {
			return a, true
		}
	}
	return authority{}, false
}

// certIDHashes hashes an issuer's name and public key bits the way an
// OCSP CertID does (RFC 6960 §4.1.1).
func certIDHashes(cert *x509.Certificate, h crypto.Hash) (nameHash, keyHash []byte, err error) {
	var spki struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(cert.RawSubjectPublicKeyInfo, &spki); err != nil {
		return nil, nil, err
	}
	nh := h.New()
	nh.Write(cert.RawSubject)
	kh := h.New()
	kh.Write(spki.PublicKey.RightAlign())
	return nh.Sum(nil), kh.Sum(nil), nil
}

func (ca *CA) serveCRL(w http.ResponseWriter, r *http.Request) {
	var auth authority
	switch r.PathValue("name") {
	case "root.crl":
		auth = ca.root
	case "ca.crl":
		auth = ca.issuing
	default:
		http.NotFound(w, r)
		return
	}
	der, err := ca.currentCRL(auth)
	if err != nil {
		http.Error(w, "cannot sign CRL", http.StatusInternalServerError)
		return
	}
	writeDER(w, "application/pkix-crl", der)
}

// currentCRL returns the authority's CRL, signing a new one when a
// revocation changed it or half its validity has passed, so clients that
// cache until NextUpdate are never more than that behind.
func (ca *CA) currentCRL(auth authority) ([]byte, error) {
	ca.mu.Lock()
	defer ca.mu.Unlock()
	now := ca.cfg.now().UTC().Truncate(time.Second)
	if c, ok := ca.crls[auth.name]; ok && now.Sub(c.thisUpdate) < demoCRLValidity/2 && !now.Before(c.thisUpdate) {
		return c.der, nil
	}
	tmpl := &x509.RevocationList{
		// Milliseconds since 1970 grow across restarts without a counter.
		Number:     big.NewInt(now.UnixMilli()),
		ThisUpdate: now, NextUpdate: now.Add(demoCRLValidity),
	}
	for _, rec := range ca.state.Certs {
		if rec.Issuer != auth.name || rec.RevokedAt.IsZero() || now.Before(rec.RevokedAt) {
			continue
		}
		serial, ok := new(big.Int).SetString(rec.Serial, 16)
		if !ok {
			continue
		}
		tmpl.RevokedCertificateEntries = append(tmpl.RevokedCertificateEntries, x509.RevocationListEntry{
			SerialNumber: serial, RevocationTime: rec.RevokedAt, ReasonCode: int(rec.Reason),
		})
	}
	der, err := x509.CreateRevocationList(rand.Reader, tmpl, auth.cert, auth.key)
	if err != nil {
		return nil, err
	}
	ca.crls[auth.name] = cachedCRL{der: der, thisUpdate: now}
	return der, nil
}

func (ca *CA) serveCert(w http.ResponseWriter, r *http.Request) {
	certs := map[string]*x509.Certificate{"root.crt": ca.root.cert, "ca.crt": ca.issuing.cert, "tsa.crt": ca.tsa.cert}
	c, ok := certs[r.PathValue("name")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	writeDER(w, "application/pkix-cert", c.Raw)
}

// serveTSA answers RFC 3161 requests under TSAPolicy with a token
// signed by the DEMO TSA certificate.
func (ca *CA) serveTSA(w http.ResponseWriter, r *http.Request) {
	const ct = "application/timestamp-reply"
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, demoMaxRequest))
	if err != nil {
		writeTSAError(w, timestamp.BadDataFormat)
		return
	}
	req, err := timestamp.ParseRequest(body)
	if err != nil {
		writeTSAError(w, timestamp.BadDataFormat)
		return
	}
	switch {
	case req.TSAPolicyOID != nil && !req.TSAPolicyOID.Equal(TSAPolicy):
		writeTSAError(w, timestamp.UnacceptedPolicy)
		return
	case req.HashAlgorithm != crypto.SHA256 && req.HashAlgorithm != crypto.SHA384 && req.HashAlgorithm != crypto.SHA512,
		len(req.HashedMessage) != req.HashAlgorithm.Size():
		writeTSAError(w, timestamp.BadAlgorithm)
		return
	}
	ts := timestamp.Timestamp{
		HashAlgorithm: req.HashAlgorithm, HashedMessage: req.HashedMessage,
		Time: ca.cfg.now().UTC().Truncate(time.Second), Accuracy: time.Second,
		Nonce: req.Nonce, Policy: TSAPolicy, AddTSACertificate: req.Certificates,
	}
	if req.Certificates {
		// The issuing CA too, so a verifier that trusts only the root
		// can build the chain from the token alone.
		ts.Certificates = []*x509.Certificate{ca.issuing.cert}
	}
	resp, err := ts.CreateResponseWithOpts(ca.tsa.cert, ca.tsa.key, crypto.SHA256)
	if err != nil {
		writeTSAError(w, timestamp.SystemFailure)
		return
	}
	writeDER(w, ct, resp)
}

func writeTSAError(w http.ResponseWriter, fi timestamp.FailureInfo) {
	resp, err := timestamp.CreateErrorResponse(timestamp.Rejection, fi)
	if err != nil {
		http.Error(w, "cannot encode TSA error", http.StatusInternalServerError)
		return
	}
	writeDER(w, "application/timestamp-reply", resp)
}

func writeDER(w http.ResponseWriter, contentType string, der []byte) {
	w.Header().Set("Content-Type", contentType)
	_, _ = w.Write(der)
}
