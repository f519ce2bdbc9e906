package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/edxml"
	"github.com/vanthu/vanthu/service/exchange"
	"github.com/vanthu/vanthu/signer"
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
	roots, anchors, err := signer.LoadTrust(cfg.trustStore()...)
	if err != nil {
		return err
	}
	rc := &exchange.Receiver{Engine: engine.New(store), Blobs: blobs, Roots: roots, Trust: engine.NewTrustPool(store, anchors)}
	got, err := rc.Receive(ctx, f)
	if err != nil {
		return fmt.Errorf("%s: %w", *path, err)
	}
	res := got.Result
	if got.Status != nil {
		return printReceived(stdout, *asJSON, receiveReport{Kind: "status", StatusCode: string(got.Status.Code), Result: res.Result,
			Warnings: res.Warnings})
	}
	if *statusOut != "" {
		if err := writeReceipt(ctx, store, *statusOut, got.Message, res); err != nil {
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
	from := edxml.Organization{OrganID: engine.AxisCode(agency), OrganName: agency.Name}
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
