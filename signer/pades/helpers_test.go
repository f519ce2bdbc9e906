package pades

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/digitorus/timestamp"
	"golang.org/x/crypto/ocsp"

	"github.com/vanthu/vanthu/signer/pdf"
)

// makePDF writes a valid PDF with n pages of text and a classic xref table.
func makePDF(n int) []byte {
	kids := make([]string, n)
	for i := range n {
		kids[i] = fmt.Sprintf("%d 0 R", 4+2*i)
	}
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), n),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	for i := range n {
		objs = append(objs, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", 5+2*i))
		var text strings.Builder
		for line := range 40 {
			fmt.Fprintf(&text, "BT /F1 11 Tf 72 %d Td (Trang %d, dong %d: van ban hanh chinh mau.) Tj ET\n", 780-18*line, i+1, line+1)
		}
		objs = append(objs, fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", text.Len(), text.String()))
	}
	return buildPDF(objs)
}

// buildPDF numbers objs from 1, with object 1 as the catalog.
func buildPDF(objs []string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, body := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, body)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f\r\n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n\r\n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /ID [<0102030405060708090A0B0C0D0E0F10> <0102030405060708090A0B0C0D0E0F10>] >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// testPKI is a throw-away CA with a signer, a TSA and an OCSP responder,
// generated at test time so no private key is ever committed.
type testPKI struct {
	rootKey   *rsa.PrivateKey
	root      *x509.Certificate
	leaderKey *rsa.PrivateKey
	leader    *x509.Certificate
	agencyKey *ecdsa.PrivateKey
	agency    *x509.Certificate
	tsaKey    *rsa.PrivateKey
	tsa       *x509.Certificate
}

var (
	pkiOnce   sync.Once
	sharedPKI *testPKI
)

func newTestPKI(t testing.TB) *testPKI {
	t.Helper()
	pkiOnce.Do(func() {
		p := &testPKI{}
		p.rootKey = mustRSA(t)
		p.root = makeCert(t, "Vanthu Test Root CA", p.rootKey.Public(), nil, p.rootKey, func(c *x509.Certificate) {
			c.IsCA, c.BasicConstraintsValid = true, true
			c.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
		})
		p.leaderKey = mustRSA(t)
		p.leader = makeCert(t, "Nguyễn Văn A - Chủ tịch", p.leaderKey.Public(), p.root, p.rootKey, leafUsage)
		ak, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		p.agencyKey = ak
		p.agency = makeCert(t, "UBND Tỉnh Thử Nghiệm", ak.Public(), p.root, p.rootKey, leafUsage)
		p.tsaKey = mustRSA(t)
		p.tsa = makeCert(t, "Vanthu Test TSA", p.tsaKey.Public(), p.root, p.rootKey, func(c *x509.Certificate) {
			c.KeyUsage = x509.KeyUsageDigitalSignature
			// RFC 3161 2.3: the timeStamping EKU must be the only one and critical.
			eku, _ := asn1.Marshal([]asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 8}})
			c.ExtraExtensions = []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 37}, Critical: true, Value: eku}}
		})
		sharedPKI = p
	})
	if sharedPKI == nil {
		t.Fatal("test PKI setup failed")
	}
	return sharedPKI
}

func leafUsage(c *x509.Certificate) {
	c.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
	c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}
	c.OCSPServer = []string{"http://ocsp.test.invalid"}
	c.CRLDistributionPoints = []string{"http://crl.test.invalid/root.crl"}
}

func mustRSA(t testing.TB) *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

var serial int64 = 100

func makeCert(t testing.TB, cn string, pub crypto.PublicKey, issuer *x509.Certificate, issuerKey crypto.Signer, edit func(*x509.Certificate)) *x509.Certificate {
	t.Helper()
	serial++
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject:      pkix.Name{CommonName: cn, Organization: []string{"Vanthu Test"}, Country: []string{"VN"}},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
	}
	edit(tmpl)
	if issuer == nil {
		issuer = tmpl
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, issuer, pub, issuerKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Timestamp implements Timestamper as an in-process RFC 3161 TSA.
func (p *testPKI) Timestamp(_ context.Context, digest []byte, h crypto.Hash) ([]byte, error) {
	ts := timestamp.Timestamp{
		HashAlgorithm:     h,
		HashedMessage:     digest,
		Time:              time.Now(),
		Policy:            asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1},
		AddTSACertificate: true,
		Certificates:      []*x509.Certificate{p.root},
	}
	resp, err := ts.CreateResponseWithOpts(p.tsa, p.tsaKey, crypto.SHA256)
	if err != nil {
		return nil, err
	}
	var r struct {
		Status asn1.RawValue
		Token  asn1.RawValue
	}
	if _, err := asn1.Unmarshal(resp, &r); err != nil {
		return nil, err
	}
	return r.Token.FullBytes, nil
}

// OCSP implements RevocationSource with responses signed by the CA itself.
func (p *testPKI) OCSP(_ context.Context, cert, issuer *x509.Certificate) ([]byte, error) {
	return ocsp.CreateResponse(issuer, issuer, ocsp.Response{
		Status:       ocsp.Good,
		SerialNumber: cert.SerialNumber,
		ThisUpdate:   time.Now().Add(-time.Minute),
		NextUpdate:   time.Now().Add(time.Hour),
	}, p.rootKey)
}

// CRL implements RevocationSource with an empty CRL from the root.
func (p *testPKI) CRL(_ context.Context, _ *x509.Certificate) ([]byte, error) {
	return x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number:     big.NewInt(1),
		ThisUpdate: time.Now().Add(-time.Minute),
		NextUpdate: time.Now().Add(time.Hour),
	}, p.root, p.rootKey)
}

// crlOnly is a RevocationSource whose OCSP responder is down.
type crlOnly struct{ *testPKI }

func (crlOnly) OCSP(context.Context, *x509.Certificate, *x509.Certificate) ([]byte, error) {
	return nil, fmt.Errorf("ocsp responder unavailable")
}

func (p *testPKI) leaderOptions(level Level) Options {
	return Options{
		Signer: p.leaderKey, Certificate: p.leader, Chain: []*x509.Certificate{p.root},
		Level: level, Timestamper: p, Revocation: p,
		Reason: "Ký ban hành", Location: "Hà Nội", Name: "Nguyễn Văn A",
	}
}

func (p *testPKI) agencyOptions(level Level) Options {
	return Options{
		Signer: p.agencyKey, Certificate: p.agency, Chain: []*x509.Certificate{p.root},
		Level: level, Timestamper: p, Revocation: p,
		Reason: "Ký số của cơ quan",
	}
}

// requireTool returns the path of an external tool, failing under CI.
func requireTool(t testing.TB, tool string) string {
	t.Helper()
	path, err := exec.LookPath(tool)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required (apt-get install qpdf poppler-utils openssl)", tool)
		}
		t.Skipf("%s not installed", tool)
	}
	return path
}

func writeTemp(t testing.TB, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func (p *testPKI) writeRootPEM(t testing.TB) string {
	return writeTemp(t, "ca.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.root.Raw}))
}

// qpdfCheck fails the test unless qpdf --check exits 0 without warnings.
func qpdfCheck(t testing.TB, file []byte) {
	t.Helper()
	if out, ok := qpdfClean(t, file); !ok {
		t.Fatalf("qpdf --check failed:\n%s", out)
	}
}

func qpdfClean(t testing.TB, file []byte) ([]byte, bool) {
	t.Helper()
	qpdf := requireTool(t, "qpdf")
	out, err := exec.Command(qpdf, "--check", writeTemp(t, "check.pdf", file)).CombinedOutput()
	return out, err == nil && !bytes.Contains(bytes.ToLower(out), []byte("warning"))
}

// pdfsigResult is what poppler says about each signature, in order.
type pdfsigResult struct {
	valid      []bool
	totalLast  bool
	subFilters []string
	raw        string
}

func runPdfsig(t testing.TB, file []byte) pdfsigResult {
	t.Helper()
	pdfsig := requireTool(t, "pdfsig")
	out, _ := exec.Command(pdfsig, "-nocert", writeTemp(t, "sig.pdf", file)).CombinedOutput()
	res := pdfsigResult{raw: string(out)}
	sigs := strings.Split(string(out), "Signature #")[1:]
	for i, s := range sigs {
		res.valid = append(res.valid, strings.Contains(s, "Signature Validation: Signature is Valid."))
		if i == len(sigs)-1 {
			res.totalLast = strings.Contains(s, "Total document signed")
		}
		for _, line := range strings.Split(s, "\n") {
			if _, after, ok := strings.Cut(line, "Signature Type: "); ok {
				res.subFilters = append(res.subFilters, strings.TrimSpace(after))
			}
		}
	}
	return res
}

// requireAllValid checks the file with qpdf and every signature with
// pdfsig; document timestamps, which poppler 22 cannot validate, are
// checked with openssl ts instead. The last signature must cover the whole
// file, except that a B-LT file may end with its /DSS update.
func requireAllValid(t testing.TB, file []byte, wantSigs int) {
	t.Helper()
	qpdfCheck(t, file)
	res := runPdfsig(t, file)
	sigs := signatureDicts(t, file)
	if len(res.valid) != wantSigs || len(sigs) != wantSigs {
		t.Fatalf("found %d signatures (pdfsig: %d), want %d:\n%s", len(sigs), len(res.valid), wantSigs, res.raw)
	}
	for i, ok := range res.valid {
		if sigs[i].Get("SubFilter") == pdf.Name("ETSI.RFC3161") {
			verifyDocTimestamp(t, sharedPKI, file, i)
			continue
		}
		if !ok {
			t.Fatalf("pdfsig: signature #%d is not valid:\n%s", i+1, res.raw)
		}
	}
	br, _ := sigs[len(sigs)-1].Get("ByteRange").(pdf.Array)
	end, _ := br[2].(int64)
	n, _ := br[3].(int64)
	if end+n == int64(len(file)) {
		if !res.totalLast && sigs[len(sigs)-1].Get("SubFilter") != pdf.Name("ETSI.RFC3161") {
			t.Fatalf("pdfsig: last signature does not cover the whole document:\n%s", res.raw)
		}
		return
	}
	tail := file[end+n:]
	if !bytes.Contains(tail, []byte("/Type /DSS")) || bytes.Contains(tail, []byte("/ByteRange")) {
		t.Fatalf("bytes after the last signature are not a /DSS update:\n%s", res.raw)
	}
}

// verifyDocTimestamp checks a /DocTimeStamp token against its byte range.
func verifyDocTimestamp(t testing.TB, p *testPKI, file []byte, i int) {
	t.Helper()
	openssl := requireTool(t, "openssl")
	token := signatureCMS(t, file, i)
	out, err := exec.Command(openssl, "ts", "-verify", "-token_in", "-in", writeTemp(t, "ts.der", token),
		"-data", writeTemp(t, "content.bin", signedBytes(t, file, i)), "-CAfile", p.writeRootPEM(t)).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Verification: OK") {
		t.Fatalf("openssl ts -verify of document timestamp #%d: %v\n%s", i+1, err, out)
	}
}

// signedBytes returns what the i-th signature's /ByteRange covers.
func signedBytes(t testing.TB, file []byte, i int) []byte {
	t.Helper()
	br, _ := signatureDicts(t, file)[i].Get("ByteRange").(pdf.Array)
	if len(br) != 4 {
		t.Fatal("signature has no /ByteRange")
	}
	n := func(k int) int64 { v, _ := br[k].(int64); return v }
	return append(append([]byte{}, file[n(0):n(0)+n(1)]...), file[n(2):n(2)+n(3)]...)
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
