package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/edxml"
	"github.com/vanthu/vanthu/signer/signertest"
	"github.com/vanthu/vanthu/storage/dbtest"
	"github.com/vanthu/vanthu/storage/sqlite"
)

// TestReceiveAnEdXMLMessage takes a message from the national exchange addressed to the
// demo province (by its legacy QCVN 102 code), twice, and checks the arrival status.
func TestReceiveAnEdXMLMessage(t *testing.T) {
	data := t.TempDir()
	var out, errOut bytes.Buffer
	dbtest.DemoSQLiteAt(t, filepath.Join(data, "vanthu.db"), "mat-khau-thu")
	pdf := signertest.CorpusFile(t, "pades-bes.pdf")
	msg := &edxml.Message{
		From: edxml.Organization{OrganID: "000.00.00.G09", OrganName: "Bộ Nội vụ"},
		// The first addressee is not on this instance: the reply comes from the one that is.
		To: []edxml.Organization{{OrganID: "000.00.00.G22", OrganName: "Văn phòng Chính phủ"},
			{OrganID: "000.00.00.H23", OrganName: "UBND tỉnh Hòa Bình"}},
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
	if err != nil || parsed.Code != edxml.StatusArrived || parsed.ResponseFor.Code != "4512/BNV-VP" || parsed.From.OrganID != "000.00.00.H23" {
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

// TestReceiveEveryKindOfMessage feeds the messages of engine/edxml/testdata, written
// after the public layouts, to `vanthu receive --json`: each is read as what it is.
func TestReceiveEveryKindOfMessage(t *testing.T) {
	data := t.TempDir()
	var out, errOut bytes.Buffer
	dbtest.DemoSQLiteAt(t, filepath.Join(data, "vanthu.db"), "mat-khau-thu")
	receive := func(t *testing.T, file string) (receiveReport, int) {
		t.Helper()
		out.Reset()
		errOut.Reset()
		code := run(context.Background(), []string{"receive", "--data", data, "--log-format", "text", "--json",
			"--edxml", filepath.Join("..", "..", "engine", "edxml", "testdata", file)}, &out, &errOut)
		var r receiveReport
		if code == 0 {
			if err := json.Unmarshal(out.Bytes(), &r); err != nil {
				t.Fatalf("%s: %v\n%s", file, err, out.String())
			}
		}
		return r, code
	}
	cases := []struct {
		file, business, result string
		documents              int
	}{
		{"edoc_vxp_sender.edxml", "new", "registered", 1},
		{"edoc_digit_id.edxml", "new", "registered", 1},
		{"edoc_new.edxml", "new", "registered", 1},
		{"edoc_new.edxml", "new", "duplicate", 1},
		{"edoc_update.edxml", "update", "updated", 2},
		{"edoc_replace.edxml", "replacement", "replaced", 3}, // the replacement, the original and its update
		{"edoc_revoke.edxml", "revocation", "recalled", 2},
		{"edoc_revoke.edxml", "revocation", "duplicate", 0},
		{"edoc_zip.edxml", "new", "registered", 1},
	}
	for _, c := range cases {
		r, code := receive(t, c.file)
		if code != 0 || r.Kind != "document" || r.Business != c.business || r.Result != c.result || len(r.Documents) != c.documents {
			t.Errorf("%s: exit %d %+v %s", c.file, code, r, errOut.String())
		}
		if c.file == "edoc_new.edxml" && !strings.Contains(strings.Join(r.Warnings, " "), "28.22.H17") {
			t.Errorf("%s: the odd recipient is not a warning: %q", c.file, r.Warnings)
		}
	}
	store, err := sqlite.Open(context.Background(), filepath.Join(data, "vanthu.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	province, _ := store.AgencyGetByCode(context.Background(), "H23")
	docs, _ := store.DocumentList(context.Background(), engine.DocumentFilter{AgencyID: province.ID, Flow: engine.Incoming})
	before := len(docs)

	t.Run("AZippedAttachmentArrivesUnpacked", func(t *testing.T) {
		for _, d := range docs {
			if d.SenderNotation != "0901/BNV-VP" {
				continue
			}
			files, _ := store.FileListByDocument(context.Background(), d.ID)
			if len(files) != 2 || files[0].Name != "0901-BNV-VP.pdf" || files[1].Name != "Phu luc I.pdf" || strings.Contains(d.Note, "not a PDF") {
				t.Errorf("files %+v, note %q", files, d.Note)
			}
			return
		}
		t.Error("the zipped document was not received")
	})
	t.Run("AZipBombIsRefusedWhole", func(t *testing.T) {
		if _, code := receive(t, "edoc_zip_bomb.edxml"); code == 0 || !strings.Contains(errOut.String(), "zip bomb") ||
			strings.Count(strings.TrimSpace(errOut.String()), "\n") != 0 {
			t.Fatalf("exit %d: %s", code, errOut.String())
		}
		after, _ := store.DocumentList(context.Background(), engine.DocumentFilter{AgencyID: province.ID, Flow: engine.Incoming})
		if len(after) != before {
			t.Errorf("%d documents after the bomb, %d before", len(after), before)
		}
	})
	t.Run("StatusesInEitherLayoutAboutAnUnknownDocumentAreWarnings", func(t *testing.T) {
		for _, file := range []string{"status_01.edxml", "status_03.edxml", "status_04.edxml", "status_05.edxml", "status_06.edxml",
			"status_sample.xml"} {
			r, code := receive(t, file)
			if code != 0 || r.Kind != "status" || r.Result != "unknown_document" || len(r.Warnings) == 0 ||
				r.StatusCode != strings.TrimSuffix(strings.TrimPrefix(file, "status_"), ".edxml") && file != "status_sample.xml" {
				t.Errorf("%s: exit %d %+v %s", file, code, r, errOut.String())
			}
		}
	})
	t.Run("Status13TakesBackWhatWasRevokedAlready", func(t *testing.T) {
		if r, code := receive(t, "status_13.edxml"); code != 0 || r.StatusCode != "13" || r.Result != "applied" {
			t.Errorf("exit %d %+v %s", code, r, errOut.String())
		}
	})
}
