package verify

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// Timestamp describes an RFC 3161 timestamp token: a signature timestamp on
// a CMS signature, or the token of a document timestamp.
type Timestamp struct {
	Time        time.Time `json:"time"`
	TSA         string    `json:"tsa"`
	ImprintOK   bool      `json:"imprint_ok"`   // message imprint matches the timestamped data
	SignatureOK bool      `json:"signature_ok"` // TSA signature over the token verifies
	Valid       bool      `json:"valid"`
	// Trusted is set when the TSA certificate chains to Options.Roots at the
	// token's time; only then does the token prove when the signature existed.
	Trusted bool   `json:"trusted"`
	Error   string `json:"error,omitempty"`

	tsa *x509.Certificate
	sd  *signedData
}

type tstInfo struct {
	Version        int
	Policy         asn1.ObjectIdentifier
	MessageImprint struct {
		HashAlgorithm pkix.AlgorithmIdentifier
		HashedMessage []byte
	}
	SerialNumber *big.Int
	GenTime      time.Time `asn1:"generalized"`
}

// checkTimestampToken verifies a TimeStampToken over data: the TSA's CMS
// signature over TSTInfo and the message imprint over data.
func checkTimestampToken(token []byte, data [][]byte, extra []*x509.Certificate) *Timestamp {
	sd, err := parseSignedData(token)
	if err != nil {
		return &Timestamp{Error: err.Error()}
	}
	return checkTimestampTokenSD(sd, data, extra)
}

// checkTimestampTokenSD is checkTimestampToken for an already parsed token.
func checkTimestampTokenSD(sd *signedData, data [][]byte, extra []*x509.Certificate) *Timestamp {
	ts := &Timestamp{sd: sd}
	if !sd.eType.Equal(oidTSTInfo) {
		ts.Error = "token does not hold a TSTInfo"
		return ts
	}
	var info tstInfo
	if _, err := asn1.Unmarshal(sd.eContent, &info); err != nil {
		ts.Error = fmt.Sprintf("pades: parse TSTInfo: %v", err)
		return ts
	}
	ts.Time = info.GenTime.UTC()
	if h, err := digestAlgorithm(info.MessageImprint.HashAlgorithm); err == nil {
		ts.ImprintOK = bytes.Equal(digest(h, data...), info.MessageImprint.HashedMessage)
	}
	res := sd.verifyContent([][]byte{sd.eContent}, extra)
	ts.SignatureOK = res.signatureOK && res.digestOK
	ts.tsa = res.signer
	if res.signer != nil {
		ts.TSA = res.signer.Subject.String()
	}
	ts.Valid = ts.ImprintOK && ts.SignatureOK
	switch {
	case !ts.ImprintOK:
		ts.Error = "message imprint does not match the timestamped data"
	case res.err != nil:
		ts.Error = res.err.Error()
	case !ts.SignatureOK:
		ts.Error = errors.New("TSA signature does not verify").Error()
	}
	return ts
}

// signatureTimestamp returns the first id-aa-signatureTimeStampToken of sd,
// whose imprint must cover the signature value.
func (sd *signedData) signatureTimestamp(extra []*x509.Certificate) *Timestamp {
	v, n := attr(sd.unsigned, oidAttrTimeStampToken)
	if n == 0 {
		return nil
	}
	return checkTimestampToken(v.FullBytes, [][]byte{sd.signer.Signature}, extra)
}
