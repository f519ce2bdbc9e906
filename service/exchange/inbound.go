package exchange

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/edxml"
	"github.com/vanthu/vanthu/signer/verify"
	"github.com/vanthu/vanthu/storage/blob"
)

// Receiver takes edXML messages in: a document into the addressees' incoming documents
// (attachments stored before the transaction, zipped ones unpacked within limits, the
// PDFs' signatures checked for the clerk), a status onto the sender's view of its
// recipient. `vanthu receive` and the axis's poller share it.
type Receiver struct {
	Engine *engine.Engine
	Blobs  blob.Store
	Roots  *x509.CertPool
	// Trust, when set, stands for Roots: the configured anchors with those administrators
	// added, as they are when each message arrives.
	Trust *engine.TrustPool
}

// Received is what one message was and what handling it did.
type Received struct {
	Message *edxml.Message       // a document, or nil
	Status  *edxml.StatusMessage // a status, or nil
	Result  engine.ExchangeResult
}

// RefusedError is a message that can never be handled: structurally unreadable, over a
// limit, or addressed to no agency here. Any other error is temporary.
type RefusedError struct{ Err error }

func (e *RefusedError) Error() string { return e.Err.Error() }
func (e *RefusedError) Unwrap() error { return e.Err }

// Refused reports whether err is a RefusedError.
func Refused(err error) bool {
	var r *RefusedError
	return errors.As(err, &r)
}

// Receive reads one message from r and handles it. Receiving the same message again
// changes nothing. A refused message leaves at most blobs nothing references, which
// blob collection removes: they are not deleted here because a blob is shared by every
// file with the same content.
func (rc *Receiver) Receive(ctx context.Context, r io.Reader) (Received, error) {
	in := &inbound{ctx: ctx, blobs: rc.Blobs, roots: rc.Roots}
	if rc.Trust != nil {
		// On a database error the pool is the last one read: the check is advice for the
		// clerk, and the message must not wait for it.
		in.roots, _ = rc.Trust.Roots(ctx)
	}
	pkg, err := edxml.Parse(r, edxml.DefaultLimits(), in.store)
	if err != nil {
		return Received{}, classify(err)
	}
	if pkg.Status != nil {
		res, err := rc.Engine.ApplyExchangeStatus(ctx, pkg.Status)
		return Received{Status: pkg.Status, Result: res}, classify(err)
	}
	res, err := rc.Engine.ReceiveExchange(ctx, engine.ExchangeInput{Message: pkg.Message, Files: in.files, Integrity: in.integrity()})
	return Received{Message: pkg.Message, Result: res}, classify(err)
}

// classify marks the errors that are the message's fault.
func classify(err error) error {
	if err == nil {
		return nil
	}
	for _, kind := range []error{edxml.ErrMalformed, edxml.ErrMissing, edxml.ErrLimit, edxml.ErrDoctype, engine.ErrInvalid} {
		if errors.Is(err, kind) {
			return &RefusedError{Err: err}
		}
	}
	return err
}

// inbound stores a message's attachments as they are read, zipped ones unpacked, and
// keeps the signature checks of the PDFs.
type inbound struct {
	ctx    context.Context
	blobs  blob.Store
	roots  *x509.CertPool
	files  []engine.FileInput
	checks []string
}

// store is the edxml.AttachmentSink.
func (in *inbound) store(name, contentType string, r io.Reader) error {
	if !edxml.IsZip(name, contentType) {
		return in.put(name, contentType, r)
	}
	// A zip is read from its directory at the end: spool it (bounded by the parser's
	// attachment limit), then store its files.
	tmp, err := os.CreateTemp("", "vanthu-receive-*.zip")
	if err != nil {
		return fmt.Errorf("spool %s: %w", name, err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	n, err := io.Copy(tmp, r)
	if err != nil {
		return fmt.Errorf("spool %s: %w", name, err)
	}
	return edxml.Unzip(tmp, n, edxml.ZipLimits{}, func(entry string, r io.Reader) error {
		return in.put(entry, "", r)
	})
}

func (in *inbound) put(name, contentType string, r io.Reader) error {
	isPDF := contentType == "application/pdf" || strings.HasSuffix(strings.ToLower(name), ".pdf")
	if contentType == "" && isPDF {
		contentType = "application/pdf"
	}
	obj, err := in.blobs.Put(in.ctx, r, blob.PutOptions{ContentType: contentType})
	if err != nil {
		return fmt.Errorf("store %s: %w", name, err)
	}
	in.files = append(in.files, engine.FileInput{Kind: "attachment", Name: name, BlobKey: obj.Key, SHA256: obj.SHA256, Size: obj.Size})
	if isPDF {
		in.checks = append(in.checks, name+": "+signatureCheck(in.ctx, in.blobs, obj, in.roots))
	}
	return nil
}

func (in *inbound) integrity() string {
	if len(in.checks) == 0 {
		return "Không có tệp PDF có chữ ký số để kiểm tra"
	}
	return "Kiểm tra chữ ký số khi tiếp nhận: " + strings.Join(in.checks, "; ")
}

// signatureCheck summarises the signatures of a received PDF for the clerk.
func signatureCheck(ctx context.Context, blobs blob.Store, obj blob.Object, roots *x509.CertPool) string {
	tmp, err := os.CreateTemp("", "vanthu-receive-*.pdf")
	if err != nil {
		return "không kiểm tra được: " + err.Error()
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	r, err := blobs.Open(ctx, obj.Key)
	if err != nil {
		return "không đọc được tệp: " + err.Error()
	}
	_, err = io.Copy(tmp, r)
	r.Close()
	if err != nil {
		return "tệp hỏng: " + err.Error()
	}
	rep, err := verify.Verify(ctx, tmp, obj.Size, verify.Options{Roots: roots})
	if err != nil {
		return "không đọc được chữ ký: " + err.Error()
	}
	if len(rep.Signatures) == 0 {
		return "không có chữ ký số"
	}
	intact, passed := 0, 0
	for _, s := range rep.Signatures {
		if s.Intact && !s.ModifiedAfterSigning {
			intact++
		}
		if s.Indication == verify.TotalPassed {
			passed++
		}
	}
	return fmt.Sprintf("%d chữ ký, %d toàn vẹn, %d hợp lệ đầy đủ", len(rep.Signatures), intact, passed)
}
