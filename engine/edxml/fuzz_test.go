package edxml

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

var fuzzLimits = Limits{MaxMessageBytes: 1 << 20, MaxMarkupBytes: 256 << 10, MaxAttachments: 8, MaxAttachmentBytes: 256 << 10, MaxDepth: 24}

// FuzzParseMessage: no panic, no hang, and whatever is accepted can be
// written again and read back.
func FuzzParseMessage(f *testing.F) {
	f.Add([]byte(readSample(f, "edoc_sample.edxml")))
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
	f.Add([]byte(readSample(f, "status_sample.xml")))
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
