package main

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/edxml"
	"github.com/vanthu/vanthu/signer"
	"github.com/vanthu/vanthu/signer/verify"
	"github.com/vanthu/vanthu/storage/blob"
)

// runReceive is `vanthu receive --edxml FILE [--json] [--status-out FILE]`: a message
// from the national document exchange that came by another channel. A document becomes
// an incoming document (state received, waiting for the clerk) of each addressee on
// this instance, or revokes, updates or replaces the one received before; a status
// updates the sender's view of its recipient. Attachments stream into the blob store,
// zipped ones unpacked; the digital signatures of the PDFs are checked on the way in
// (Decree 30 Art. 21) and the result is shown to the clerk. With --status-out it writes
// the status message to send back (01 đã đến; 15 for a revocation it applied), from the
// agency that received the document. Receiving the same message again changes nothing.
func runReceive(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("receive", flag.ContinueOnError)
	cfg := bindConfig(fs)
	path := fs.String("edxml", "", "edXML message file (QCVN 102:2016): a document or a status")
	asJSON := fs.Bool("json", false, "print what was read and done as JSON")
	statusOut := fs.String("status-out", "", "write the status message to send back here")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *path == "" {
		return usageError{errors.New("--edxml is required")}
	}
	f, err := os.Open(*path)
	if err != nil {
		return err
	}
	defer f.Close()
	store, blobs, err := cfg.openMigratedStores(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	roots, _, err := signer.LoadTrust(cfg.trustStore()...)
	if err != nil {
		return err
	}
	in := &inbound{ctx: ctx, blobs: blobs, roots: roots}
	// A refused message leaves at most blobs nothing references, which blob collection
	// removes; they are not deleted here because a blob is shared by every file with
	// the same content.
	pkg, err := edxml.Parse(f, edxml.DefaultLimits(), in.store)
	if err != nil {
		return fmt.Errorf("%s: %w", *path, err)
	}
	eng := engine.New(store)
	if pkg.Status != nil {
		res, err := eng.ApplyExchangeStatus(ctx, pkg.Status)
		if err != nil {
			return fmt.Errorf("%s: %w", *path, err)
		}
		return printReceived(stdout, *asJSON, receiveReport{Kind: "status", StatusCode: string(pkg.Status.Code), Result: res.Result,
			Warnings: res.Warnings})
	}
	res, err := eng.ReceiveExchange(ctx, engine.ExchangeInput{Message: pkg.Message, Files: in.files, Integrity: in.integrity()})
	if err != nil {
		return fmt.Errorf("%s: %w", *path, err)
	}
	if *statusOut != "" {
		if err := writeReceipt(ctx, store, *statusOut, pkg.Message, res); err != nil {
			return err
		}
	}
	report := receiveReport{Kind: "document", Business: string(res.Business), Result: res.Result, Warnings: res.Warnings}
	for _, d := range res.Documents {
		report.Documents = append(report.Documents, receivedDocument{ID: d.ID, Notation: d.SenderNotation, Agency: d.AgencyID,
			State: string(d.State), Subject: d.Subject})
	}
	return printReceived(stdout, *asJSON, report)
}

// receiveReport is what `vanthu receive` prints.
type receiveReport struct {
	Kind       string             `json:"kind"`
	Business   string             `json:"business,omitempty"`
	StatusCode string             `json:"status_code,omitempty"`
	Result     string             `json:"result"`
	Documents  []receivedDocument `json:"documents,omitempty"`
	Warnings   []string           `json:"warnings"`
}

type receivedDocument struct {
	ID       string `json:"id"`
	Notation string `json:"notation"`
	Agency   string `json:"agency_id"`
	State    string `json:"state"`
	Subject  string `json:"subject"`
}

func printReceived(w io.Writer, asJSON bool, r receiveReport) error {
	if r.Warnings == nil {
		r.Warnings = []string{}
	}
	if asJSON {
		// Exactly the keys of each kind, documents listed even when empty.
		if r.Kind == "status" {
			return json.NewEncoder(w).Encode(struct {
				Kind       string   `json:"kind"`
				StatusCode string   `json:"status_code"`
				Result     string   `json:"result"`
				Warnings   []string `json:"warnings"`
			}{r.Kind, r.StatusCode, r.Result, r.Warnings})
		}
		if r.Documents == nil {
			r.Documents = []receivedDocument{}
		}
		return json.NewEncoder(w).Encode(struct {
			Kind      string             `json:"kind"`
			Business  string             `json:"business"`
			Result    string             `json:"result"`
			Documents []receivedDocument `json:"documents"`
			Warnings  []string           `json:"warnings"`
		}{r.Kind, r.Business, r.Result, r.Documents, r.Warnings})
	}
	what := r.Kind + " " + r.Business
	if r.Kind == "status" {
		what = "status " + r.StatusCode
	}
	fmt.Fprintf(w, "%s: %s\n", what, r.Result)
	for _, d := range r.Documents {
		fmt.Fprintf(w, "  %s %q %s (document %s)\n", d.Notation, d.Subject, d.State, d.ID)
	}
	for _, warn := range r.Warnings {
		fmt.Fprintf(w, "  warning: %s\n", warn)
	}
	return nil
}

// writeReceipt writes the status to send back, from the agency here that received the
// document (not the message's first addressee): 01 đã đến, or 15 when a revocation
// was applied. Nothing is written when nothing here holds the document.
func writeReceipt(ctx context.Context, store engine.Store, path string, m *edxml.Message, res engine.ExchangeResult) error {
	code := edxml.StatusArrived
	if res.Business == engine.BusinessRevocation {
		code = edxml.StatusChangeAccepted
	}
	if len(res.Documents) == 0 {
		return nil
	}
	agency, err := store.AgencyGetByID(ctx, res.Documents[0].AgencyID)
	if err != nil {
		return err
	}
	from := edxml.Organization{OrganID: agency.Code102, OrganName: agency.Name}
	if from.OrganID == "" {
		from.OrganID = agency.Code
	}
	var buf bytes.Buffer
	err = edxml.BuildStatus(&buf, edxml.StatusMessage{
		ResponseFor: edxml.ResponseFor{OrganID: m.From.OrganID, Code: m.Code.String(), DocumentID: m.DocumentID(),
			PromulgationDate: m.Promulgation.Date},
		From: from, Code: code, Description: code.Meaning(), Timestamp: time.Now()})
	if err != nil {
		return err
	}
	return writeFileAtomic(path, buf.Bytes())
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
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	n, err := io.Copy(tmp, r)
	if err != nil {
		return err
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
		return err
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
