package edxml

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestParseMessageRefuses(t *testing.T) {
	t.Parallel()
	sample := readSample(t, "edoc_sample.edxml")
	from := sample[strings.Index(sample, "<edXML:From>") : strings.Index(sample, "</edXML:From>")+len("</edXML:From>")]
	encoded := sample[strings.Index(sample, "<AttachmentEncoded>") : strings.Index(sample, "</AttachmentEncoded>")+len("</AttachmentEncoded>")]
	content1 := "Q8O0bmcgdsSDbiBz4buRIDEyL1VCTkQtVlggKGLhuqNuIFBERiBnaeG6oyBs4bqtcCk="
	subject := "V/v triển khai gửi, nhận văn bản điện tử &amp; báo cáo kết quả năm 2026"

	cases := []struct {
		name     string
		input    string
		limits   Limits
		kind     error
		mentions []string
	}{
		{"a message without From", edit(t, sample, from, ""), Limits{}, ErrMissing, []string{"MessageHeader/From/OrganId"}},
		{"a From without OrganId", edit(t, sample, "<edXML:OrganId>000.00.00.H41</edXML:OrganId>\n          <edXML:OrganizationInCharge>", "<edXML:OrganizationInCharge>"),
			Limits{}, ErrMissing, []string{"MessageHeader/From/OrganId"}},
		{"a message without To", strings.ReplaceAll(sample, "edXML:To>", "edXML:Cc>"), Limits{}, ErrMissing, []string{"MessageHeader/To"}},
		{"an empty subject", edit(t, sample, subject, "  "), Limits{}, ErrMissing, []string{"MessageHeader/Subject"}},
		{"a message without attachments", edit(t, sample, encoded, ""), Limits{}, ErrMissing, []string{"Attachment", "at least one attachment"}},
		{"an attachment without content", edit(t, sample, `<edXML:ContentTransferEncoded xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">`+content1+`</edXML:ContentTransferEncoded>`, ""),
			Limits{}, ErrMissing, []string{"AttachmentEncoded/Attachment[1]/ContentTransferEncoded"}},
		{"content before the attachment name", edit(t, sample, "<AttachmentName>12_UBND-VX.pdf</AttachmentName>", ""),
			Limits{}, ErrMissing, []string{"Attachment[1]/AttachmentName", "before ContentTransferEncoded"}},
		{"bad base64", edit(t, sample, content1, "Q8O0bmcg!!!!dsSDbiBz"), Limits{}, ErrMalformed, []string{"bad base64", "Attachment[1]/ContentTransferEncoded", "12_UBND-VX.pdf"}},
		{"base64 that goes on after its padding", edit(t, sample, content1, "QQ==QQ=="), Limits{}, ErrMalformed, []string{"bad base64"}},
		{"truncated base64", edit(t, sample, content1, "Q8O0bmc"), Limits{}, ErrMalformed, []string{"bad base64"}},
		{"an entity inside base64", edit(t, sample, content1, "Q8O0&amp;bmcg"), Limits{}, ErrMalformed, []string{"reference", "ContentTransferEncoded"}},
		{"markup inside base64", edit(t, sample, content1, "Q8O0<b>x</b>"), Limits{}, ErrMalformed, []string{"holds markup"}},
		{"an unknown business type", edit(t, sample, "<edXML:BussinessDocType>0<", "<edXML:BussinessDocType>7<"), Limits{}, ErrMalformed, []string{"BussinessDocType"}},
		{"a DOCTYPE", edit(t, sample, "<edXML xmlns=", "<!DOCTYPE edXML>\n<edXML xmlns="), Limits{}, ErrDoctype, nil},
		{"entity expansion (billion laughs)", `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><edXML>&lol2;</edXML>`,
			Limits{}, ErrDoctype, nil},
		{"an undeclared entity", edit(t, sample, subject, "&xxe;"), Limits{}, ErrMalformed, []string{"MessageHeader"}},
		{"an attachment over the size limit", sample, Limits{MaxAttachmentBytes: 20}, ErrLimit, []string{"12_UBND-VX.pdf", "more than 20 bytes"}},
		{"more attachments than allowed", sample, Limits{MaxAttachments: 1}, ErrLimit, []string{"more than 1 attachments"}},
		{"a message over the size limit", sample, Limits{MaxMessageBytes: 2000}, ErrLimit, []string{"larger than 2000 bytes"}},
		{"markup over the limit", sample, Limits{MaxMarkupBytes: 1000}, ErrLimit, []string{"markup"}},
		{"nesting deeper than the limit", edit(t, sample, "<edXML:Content>", strings.Repeat("<x>", 40)+strings.Repeat("</x>", 40)+"<edXML:Content>"),
			Limits{}, ErrLimit, []string{"nested deeper than 32"}},
		{"nesting in a skipped element", edit(t, sample, "<SignatureValue>", strings.Repeat("<x>", 12)+strings.Repeat("</x>", 12)+"<SignatureValue>"),
			Limits{MaxDepth: 12}, ErrLimit, []string{"Signature"}},
		{"input cut inside an attachment", sample[:strings.Index(sample, content1)+10], Limits{}, ErrMalformed, []string{"input ends inside attachment content"}},
		{"input cut inside the header", sample[:strings.Index(sample, "<edXML:Subject>")], Limits{}, ErrMalformed, []string{"MessageHeader"}},
		{"a root that is not edXML", `<html><body/></html>`, Limits{}, ErrMalformed, []string{"<html>"}},
		{"something that is not XML", `{"subject": "json"}`, Limits{}, ErrMalformed, nil},
		{"a second root element", sample + "<edXML/>", Limits{}, ErrMalformed, []string{"after the root element"}},
	}
	for _, c := range cases {
		t.Run("refuses "+c.name, func(t *testing.T) {
			t.Parallel()
			m, err := ParseMessageStream(strings.NewReader(c.input), c.limits, func(string, string, io.Reader) error { return nil })
			if m != nil {
				t.Errorf("got a message with the error")
			}
			wantErr(t, err, c.kind, c.mentions...)
		})
	}
	t.Run("accepts the sample unedited, so the edits above are what is refused", func(t *testing.T) {
		t.Parallel()
		if _, err := ParseMessage(strings.NewReader(sample), Limits{}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestParseMessageSink(t *testing.T) {
	t.Parallel()
	sample := readSample(t, "edoc_sample.edxml")
	t.Run("a sink error stops the parse and is kept", func(t *testing.T) {
		t.Parallel()
		disk := errors.New("disk full")
		_, err := ParseMessageStream(strings.NewReader(sample), Limits{}, func(string, string, io.Reader) error { return disk })
		if !errors.Is(err, disk) || !strings.Contains(err.Error(), "12_UBND-VX.pdf") {
			t.Errorf("err = %v, want the sink's error naming the attachment", err)
		}
	})
	t.Run("a sink that reads only the start still gets a checked, measured attachment", func(t *testing.T) {
		t.Parallel()
		m, err := ParseMessageStream(strings.NewReader(sample), Limits{}, func(_, _ string, r io.Reader) error {
			_, err := r.Read(make([]byte, 3))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if m.Attachments[1].Size != 256 {
			t.Errorf("size = %d, want 256", m.Attachments[1].Size)
		}
	})
	t.Run("bad base64 is reported as such even when the sink wraps it", func(t *testing.T) {
		t.Parallel()
		bad := edit(t, sample, "Q8O0bmcgdsSDbiBz4buR", "Q8O0bmcg!!!!SDbiBz4buR")
		_, err := ParseMessageStream(strings.NewReader(bad), Limits{}, func(_, _ string, r io.Reader) error {
			_, err := io.ReadAll(r)
			return errors.New("could not store: " + err.Error())
		})
		wantErr(t, err, ErrMalformed, "bad base64")
	})
}

func TestBuildMessageRefuses(t *testing.T) {
	t.Parallel()
	att := func() Attachment { return Attachment{Name: "a.pdf", Content: strings.NewReader("x")} }
	cases := []struct {
		name     string
		change   func(*Message)
		atts     []Attachment
		kind     error
		mentions string
	}{
		{"a message without sender", func(m *Message) { m.From = Organization{} }, []Attachment{att()}, ErrMissing, "From/OrganId"},
		{"a message without recipient", func(m *Message) { m.To = nil }, []Attachment{att()}, ErrMissing, "MessageHeader/To"},
		{"a message without subject", func(m *Message) { m.Subject = "" }, []Attachment{att()}, ErrMissing, "Subject"},
		{"a message without attachment", func(*Message) {}, nil, ErrMissing, "Attachment"},
		{"an attachment without name", func(*Message) {}, []Attachment{{Content: strings.NewReader("x")}}, ErrMissing, "Attachment[1]/AttachmentName"},
		{"an attachment without content", func(*Message) {}, []Attachment{{Name: "a.pdf"}}, ErrMissing, "a.pdf"},
	}
	for _, c := range cases {
		t.Run("refuses "+c.name, func(t *testing.T) {
			t.Parallel()
			m := fullMessage()
			c.change(m)
			var out strings.Builder
			err := BuildMessage(&out, m, c.atts...)
			wantErr(t, err, c.kind, c.mentions)
			if out.Len() != 0 {
				t.Errorf("wrote %d bytes before refusing", out.Len())
			}
		})
	}
}
