package main

import (
	"bytes"
	"context"
	"crypto/x509"
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

// runReceive is `vanthu receive --edxml FILE [--status-out FILE]`: a message from the
// national document exchange becomes an incoming document (state received) of each
// addressee on this instance. Attachments stream into the blob store; the digital
// signatures of the PDFs are checked on the way in (Decree 30 Art. 21) and the result is
// shown to the clerk. With --status-out it writes the "01 đã đến" status message to send
// back. Receiving the same message again changes nothing.
func runReceive(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("receive", flag.ContinueOnError)
	cfg := bindConfig(fs)
	path := fs.String("edxml", "", "edXML message file (QCVN 102:2016)")
	statusOut := fs.String("status-out", "", "write the arrival status message here")
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

	var files []engine.FileInput
	var checks []string
	msg, err := edxml.ParseMessageStream(f, edxml.DefaultLimits(), func(name, contentType string, r io.Reader) error {
		obj, err := blobs.Put(ctx, r, blob.PutOptions{ContentType: contentType})
		if err != nil {
			return err
		}
		files = append(files, engine.FileInput{Kind: "attachment", Name: name, BlobKey: obj.Key, SHA256: obj.SHA256, Size: obj.Size})
		if contentType == "application/pdf" || strings.HasSuffix(strings.ToLower(name), ".pdf") {
			checks = append(checks, name+": "+signatureCheck(ctx, blobs, obj, roots))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("%s: %w", *path, err)
	}
	eng := engine.New(store)
	urgency, err := edxml.UrgencyFromPriority(msg.OtherInfo.Priority)
	if err != nil {
		return err
	}
	in := engine.ExternalInput{TypeCode: typeCodeOf(msg.DocumentType.TypeName), Subject: msg.Subject,
		Urgency: engine.Urgency(urgency), SenderName: msg.From.OrganName, SenderNotation: msg.Code.String(),
		Files: files, Integrity: "Kiểm tra chữ ký số khi tiếp nhận: " + strings.Join(checks, "; ")}
	if len(checks) == 0 {
		in.Integrity = "Không có tệp PDF có chữ ký số để kiểm tra"
	}
	received := 0
	for _, to := range msg.To {
		agency, err := agencyByOrganID(ctx, store, to.OrganID)
		if err != nil {
			fmt.Fprintf(stdout, "not on this instance: %s %s\n", to.OrganID, to.OrganName)
			continue
		}
		in.AgencyID = agency.ID
		d, err := eng.ReceiveExternal(ctx, engine.System, in, "edxml:"+msg.DocumentID()+":"+agency.ID)
		if err != nil {
			return fmt.Errorf("receive for %s: %w", agency.Name, err)
		}
		received++
		fmt.Fprintf(stdout, "received %s %q for %s (document %s)\n", msg.Code.String(), msg.Subject, agency.Name, d.ID)
	}
	if received == 0 {
		return errors.New("no addressee of the message is on this instance")
	}
	if *statusOut != "" {
		var buf bytes.Buffer
		err := edxml.BuildStatus(&buf, edxml.StatusMessage{
			ResponseFor: edxml.ResponseFor{OrganID: msg.From.OrganID, Code: msg.Code.String(), DocumentID: msg.DocumentID(),
				PromulgationDate: msg.Promulgation.Date},
			From: msg.To[0], Code: edxml.StatusArrived, Timestamp: time.Now()})
		if err != nil {
			return err
		}
		return writeFileAtomic(*statusOut, buf.Bytes())
	}
	return nil
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

// typeCodeOf maps a document type name ("Quyết định") to its abbreviation.
func typeCodeOf(name string) string {
	for _, t := range engine.DocumentTypes {
		if strings.EqualFold(strings.TrimSpace(name), t.Name) {
			return t.Code
		}
	}
	return "" // công văn, or a type this version does not know
}

// agencyByOrganID finds an agency by its QĐ 20/2020 code or its legacy QCVN 102 code.
func agencyByOrganID(ctx context.Context, store engine.Store, id string) (engine.Agency, error) {
	if a, err := store.AgencyGetByCode(ctx, id); err == nil {
		return a, nil
	}
	all, err := store.AgencyList(ctx)
	if err != nil {
		return engine.Agency{}, err
	}
	for _, a := range all {
		if a.Code102 != "" && a.Code102 == id {
			return a, nil
		}
	}
	return engine.Agency{}, engine.ErrNotFound
}
