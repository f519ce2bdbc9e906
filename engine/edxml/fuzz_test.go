package edxml

import (
	"bytes"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

var fuzzLimits = Limits{MaxMessageBytes: 1 << 20, MaxMarkupBytes: 256 << 10, MaxAttachments: 8, MaxAttachmentBytes: 256 << 10, MaxDepth: 24}

// FuzzParseMessage: no panic, no hang, and whatever is accepted can be
// written again and read back.
func FuzzParseMessage(f *testing.F) {
	addSamples(f, "edoc_")
	var built bytes.Buffer
	if err := BuildMessage(&built, fullMessage(), Attachment{Name: "a.pdf", Content: strings.NewReader("nội dung")}); err != nil {
		f.Fatal(err)
	}
	f.Add(built.Bytes())
	f.Add([]byte(`<edXML><AttachmentEncoded><Attachment><AttachmentName>a</AttachmentName><ContentTransferEncoded>QQ&#13;==</ContentTransferEncoded></Attachment></AttachmentEncoded></edXML>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var c collector
		m, err := ParseMessageStream(bytes.NewReader(data), fuzzLimits, c.sink)
		if err != nil {
			return
		}
		atts := make([]Attachment, len(m.Attachments))
		for i, a := range m.Attachments {
			atts[i] = Attachment{ContentID: a.ContentID, Name: a.Name, Description: a.Description, ContentType: a.ContentType, Content: bytes.NewReader(c.data[i])}
		}
		var again bytes.Buffer
		if err := BuildMessage(&again, m, atts...); err != nil {
			t.Fatalf("accepted message cannot be written: %v", err)
		}
		if _, err := ParseMessage(&again, Limits{}); err != nil {
			t.Fatalf("rewritten message is refused: %v", err)
		}
	})
}

// FuzzParseStatus: no panic, no hang, and an accepted status can be written
// again unless it is a rejection without reason (which BuildStatus refuses).
func FuzzParseStatus(f *testing.F) {
	addSamples(f, "status_")
	var built bytes.Buffer
	if err := BuildStatus(&built, fullStatus()); err != nil {
		f.Fatal(err)
	}
	f.Add(built.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseStatus(bytes.NewReader(data))
		if err != nil {
			return
		}
		if err := BuildStatus(io.Discard, *s); err != nil && !strings.Contains(err.Error(), "reason") {
			t.Fatalf("accepted status cannot be written: %v", err)
		}
	})
}

// FuzzParse: whatever the input, Parse returns a document, a status or an
// error, never both; an accepted status can be written in the SDK layout and
// read back as the same status.
func FuzzParse(f *testing.F) {
	addSamples(f, "")
	f.Fuzz(func(t *testing.T, data []byte) {
		pkg, err := Parse(bytes.NewReader(data), fuzzLimits, nil)
		if err != nil {
			return
		}
		if (pkg.Message == nil) == (pkg.Status == nil) {
			t.Fatalf("read %+v: want a document or a status", pkg)
		}
		if pkg.Status == nil {
			return
		}
		var again bytes.Buffer
		if err := BuildStatus(&again, *pkg.Status); err != nil {
			return // a rejection without reason
		}
		back, err := ParseStatus(&again)
		if err != nil || back.Code != pkg.Status.Code || back.ResponseFor.DocumentID != pkg.Status.ResponseFor.DocumentID {
			t.Fatalf("rewritten status reads as %+v, %v", back, err)
		}
	})
}

// FuzzUnzip: no panic, and never more handed over than the limits allow,
// whatever the archive's directory claims.
func FuzzUnzip(f *testing.F) {
	var c collector
	if _, err := ParseMessageStream(strings.NewReader(readSample(f, "edoc_zip.edxml")), Limits{}, c.sink); err != nil {
		f.Fatal(err)
	}
	f.Add(c.data[0])
	lim := ZipLimits{MaxEntries: 4, MaxEntryBytes: 64 << 10, MaxTotalBytes: 128 << 10, MaxRatio: 50}
	f.Fuzz(func(t *testing.T, data []byte) {
		var total int64
		_ = Unzip(bytes.NewReader(data), int64(len(data)), lim, func(_ string, r io.Reader) error {
			n, err := io.Copy(io.Discard, r)
			total += n
			return err
		})
		if total > lim.MaxTotalBytes {
			t.Fatalf("handed over %d bytes, limit %d", total, lim.MaxTotalBytes)
		}
	})
}

// addSamples seeds a fuzz target with the testdata files whose names start
// with prefix.
func addSamples(f *testing.F, prefix string) {
	names, err := filepath.Glob("testdata/" + prefix + "*")
	if err != nil || len(names) == 0 {
		f.Fatalf("no samples %s*: %v", prefix, err)
	}
	for _, name := range names {
		f.Add([]byte(readSample(f, filepath.Base(name))))
	}
}
