package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/edxml"
	"github.com/vanthu/vanthu/signer/signertest"
	"github.com/vanthu/vanthu/storage/sqlite"
)

// TestReceiveAnEdXMLMessage takes a message from the national exchange addressed to the
// demo province (by its legacy QCVN 102 code), twice, and checks the arrival status.
func TestReceiveAnEdXMLMessage(t *testing.T) {
	data := t.TempDir()
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"seed", "--data", data, "--log-format", "text"}, &out, &errOut); code != 0 {
		t.Fatalf("seed: %s", errOut.String())
	}
	pdf := signertest.CorpusFile(t, "pades-bes.pdf")
	msg := &edxml.Message{
		From:         edxml.Organization{OrganID: "000.00.00.G09", OrganName: "Bộ Nội vụ"},
		To:           []edxml.Organization{{OrganID: "000.00.00.H23", OrganName: "UBND tỉnh Hòa Bình"}},
		Code:         edxml.Code{Number: "4512", Notation: "BNV-VP"},
		Promulgation: edxml.PromulgationInfo{Place: "Hà Nội", Date: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)},
		DocumentType: edxml.DocumentType{TypeName: "Công văn"},
		Subject:      "V/v hướng dẫn lưu trữ hồ sơ điện tử",
		OtherInfo:    edxml.OtherInfo{Priority: 1},
	}
	var env bytes.Buffer
	if err := edxml.BuildMessage(&env, msg, edxml.Attachment{Name: "4512-BNV-VP.pdf", ContentType: "application/pdf",
		Content: bytes.NewReader(pdf)}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "message.edxml")
	os.WriteFile(file, env.Bytes(), 0o600)
	status := filepath.Join(t.TempDir(), "status.xml")
	for i := range 2 { // a retried delivery must not create a second document
		out.Reset()
		errOut.Reset()
		if code := run(context.Background(), []string{"receive", "--data", data, "--log-format", "text", "--edxml", file,
			"--status-out", status}, &out, &errOut); code != 0 {
			t.Fatalf("receive #%d: %s", i+1, errOut.String())
		}
	}
	store, err := sqlite.Open(context.Background(), filepath.Join(data, "vanthu.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	province, _ := store.AgencyGetByCode(context.Background(), "H23")
	docs, _ := store.DocumentList(context.Background(), engine.DocumentFilter{AgencyID: province.ID, Flow: engine.Incoming})
	if len(docs) != 1 {
		t.Fatalf("%d incoming documents, want exactly 1", len(docs))
	}
	d := docs[0]
	if d.SenderNotation != "4512/BNV-VP" || d.Urgency != engine.UrgencyUrgent || d.State != engine.StateReceived ||
		!strings.Contains(d.Note, "1 chữ ký, 1 toàn vẹn") {
		t.Fatalf("received %+v", d)
	}
	files, _ := store.FileListByDocument(context.Background(), d.ID)
	if len(files) != 1 || files[0].Size != int64(len(pdf)) {
		t.Fatalf("files %+v", files)
	}
	st, err := os.Open(status)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	parsed, err := edxml.ParseStatus(st)
	if err != nil || parsed.Code != edxml.StatusArrived || parsed.ResponseFor.Code != "4512/BNV-VP" {
		t.Fatalf("status: %+v, %v", parsed, err)
	}

	t.Run("AMessageForNobodyHereIsRefused", func(t *testing.T) {
		msg.To = []edxml.Organization{{OrganID: "000.00.00.H99", OrganName: "Nơi khác"}}
		var env bytes.Buffer
		edxml.BuildMessage(&env, msg, edxml.Attachment{Name: "a.pdf", Content: bytes.NewReader(pdf)})
		os.WriteFile(file, env.Bytes(), 0o600)
		if code := run(context.Background(), []string{"receive", "--data", data, "--log-format", "text", "--edxml", file}, &out, &errOut); code == 0 {
			t.Fatal("a message for no agency here was accepted")
		}
	})
}
