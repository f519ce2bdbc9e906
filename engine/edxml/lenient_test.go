package edxml

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

// TestParseIsLenient: the axis routes agency codes and values of forms QCVN
// 102 does not name; each becomes a warning and the message is kept.
func TestParseIsLenient(t *testing.T) {
	t.Parallel()
	sample := readSample(t, "edoc_sample.edxml")
	cases := []struct {
		name, input string
		warning     string
	}{
		{"a From with an invented agency code", edit(t, sample, "<edXML:OrganId>000.00.00.H41</edXML:OrganId>", "<edXML:OrganId>ubnd-nghe-an</edXML:OrganId>"),
			`MessageHeader/From/OrganId: "ubnd-nghe-an"`},
		{"the same recipient twice", edit(t, sample, "<edXML:OrganId>H41.12</edXML:OrganId>", "<edXML:OrganId>000.00.00.G22</edXML:OrganId>"),
			"MessageHeader/To[2]/OrganId: recipient 000.00.00.G22 is named twice"},
		{"a bad promulgation date", edit(t, sample, "<edXML:PromulgationDate>2026/11/20</edXML:PromulgationDate>", "<edXML:PromulgationDate>20 tháng 11</edXML:PromulgationDate>"),
			"PromulgationInfo/PromulgationDate"},
		{"a priority that is not a number", edit(t, sample, "<edXML:Priority>2</edXML:Priority>", "<edXML:Priority>khẩn</edXML:Priority>"),
			`OtherInfo/Priority: "khẩn" is not a number; ignored`},
	}
	for _, c := range cases {
		t.Run("keeps "+c.name+" with a warning", func(t *testing.T) {
			t.Parallel()
			m, err := ParseMessage(strings.NewReader(c.input), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(strings.Join(m.Warnings, "\n"), c.warning) {
				t.Errorf("warnings %q do not mention %q", m.Warnings, c.warning)
			}
		})
	}
	t.Run("the sample itself has no warning", func(t *testing.T) {
		t.Parallel()
		m, err := ParseMessage(strings.NewReader(sample), Limits{})
		if err != nil || len(m.Warnings) != 0 {
			t.Fatalf("warnings %q, err %v", m.Warnings, err)
		}
	})
}

// TestPublicLayouts reads the messages of testdata written after the public
// layouts (vn-standards §3): every one is read as what it is.
func TestPublicLayouts(t *testing.T) {
	t.Parallel()
	docs := []struct {
		file     string
		from     string
		business BusinessDocType
		warns    int
		check    func(t *testing.T, m *Message)
	}{
		{"edoc_vxp_sender.edxml", "vxp.saas.03", BusinessNew, 0, nil},
		{"edoc_digit_id.edxml", "020100107370", BusinessNew, 0, nil},
		{"edoc_new.edxml", "000.00.00.G09", BusinessNew, 1, func(t *testing.T, m *Message) {
			if len(m.To) != 2 || m.To[1].OrganID != "28.22.H17" || !strings.Contains(m.Warnings[0], "28.22.H17") {
				t.Errorf("to %+v, warnings %q", m.To, m.Warnings)
			}
		}},
		{"edoc_revoke.edxml", "000.00.00.G09", BusinessRevoke, 0, func(t *testing.T, m *Message) {
			if m.Business.DocReason != "Thu hồi văn bản điện tử: ban hành nhầm đối tượng" || m.Business.DocumentID != "000.00.00.G09,2026/11/20,4512/BNV-VP" {
				t.Errorf("business %+v", m.Business)
			}
		}},
		{"edoc_update.edxml", "000.00.00.G09", BusinessUpdate, 0, nil},
		{"edoc_replace.edxml", "000.00.00.G09", BusinessReplace, 0, func(t *testing.T, m *Message) {
			if len(m.Business.Replacements) != 1 || m.Business.Replacements[0].DocumentID != "000.00.00.G09,2026/11/20,4512/BNV-VP" {
				t.Errorf("replacements %+v", m.Business.Replacements)
			}
		}},
		{"edoc_zip.edxml", "000.00.00.G09", BusinessNew, 0, nil},
	}
	for _, c := range docs {
		t.Run(c.file+" is a document", func(t *testing.T) {
			t.Parallel()
			pkg, err := Parse(strings.NewReader(readSample(t, c.file)), Limits{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			m := pkg.Message
			if m == nil || pkg.Status != nil {
				t.Fatalf("read %+v", pkg)
			}
			if m.From.OrganID != c.from || m.Business.DocType != c.business || len(m.Warnings) != c.warns {
				t.Errorf("from %s business %d warnings %q", m.From.OrganID, m.Business.DocType, m.Warnings)
			}
			if c.check != nil {
				c.check(t, m)
			}
		})
	}
	for _, code := range []StatusCode{StatusArrived, StatusAccepted, StatusAssigned, StatusProcessing, StatusCompleted, StatusRecallRequested} {
		t.Run("status_"+string(code)+" is a status in the SDK layout", func(t *testing.T) {
			t.Parallel()
			pkg, err := Parse(strings.NewReader(readSample(t, "status_"+string(code)+".edxml")), Limits{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			s := pkg.Status
			if s == nil || pkg.Message != nil {
				t.Fatalf("read %+v", pkg)
			}
			if s.Code != code || s.From.OrganID != "000.00.00.G09" || s.ResponseFor.DocumentID == "" || s.Staff.Staff == "" ||
				s.Timestamp.IsZero() || s.Description == "" {
				t.Errorf("status %+v", s)
			}
		})
	}
	t.Run("a status in vanthu's old SOAP layout is still read", func(t *testing.T) {
		t.Parallel()
		pkg, err := Parse(strings.NewReader(readSample(t, "status_sample.xml")), Limits{}, nil)
		if err != nil || pkg.Status == nil || pkg.Status.Code != StatusAccepted {
			t.Fatalf("read %+v, %v", pkg, err)
		}
	})
	t.Run("ParseMessage refuses a status, ParseStatus a document", func(t *testing.T) {
		t.Parallel()
		_, err := ParseMessage(strings.NewReader(readSample(t, "status_03.edxml")), Limits{})
		wantErr(t, err, ErrMalformed, "status message")
		_, err = ParseStatus(strings.NewReader(readSample(t, "edoc_sample.edxml")))
		wantErr(t, err, ErrMissing, "document message")
	})
}

// TestStatusWritesTheSDKLayout: what vanthu sends now is the SDK's layout,
// which the SDK's receivers read.
func TestStatusWritesTheSDKLayout(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := BuildStatus(&buf, fullStatus()); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"<edXML:edXMLEnvelope>", "<edXML:MessageHeader>", "<edXML:StatusCode>02</edXML:StatusCode>"} {
		if !strings.Contains(out, want) {
			t.Errorf("status does not contain %s:\n%s", want, out)
		}
	}
	for _, not := range []string{"SOAP-ENV", "<edXML:Status>", "<edXML:To>"} {
		if strings.Contains(out, not) {
			t.Errorf("status contains %s:\n%s", not, out)
		}
	}
}

func TestUnzip(t *testing.T) {
	t.Parallel()
	unzip := func(t *testing.T, file string, lim ZipLimits) (map[string]int, error) {
		var c collector
		if _, err := ParseMessageStream(strings.NewReader(readSample(t, file)), Limits{}, c.sink); err != nil {
			t.Fatal(err)
		}
		if !IsZip(c.names[0], c.types[0]) {
			t.Fatalf("%s (%s) is not recognised as a zip", c.names[0], c.types[0])
		}
		data := c.data[0]
		got := map[string]int{}
		err := Unzip(bytes.NewReader(data), int64(len(data)), lim, func(name string, r io.Reader) error {
			b, err := io.ReadAll(r)
			got[name] = len(b)
			return err
		})
		return got, err
	}
	t.Run("unpacks every file under its base name", func(t *testing.T) {
		t.Parallel()
		got, err := unzip(t, "edoc_zip.edxml", ZipLimits{})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got["0901-BNV-VP.pdf"] == 0 || got["Phu luc I.pdf"] == 0 {
			t.Errorf("unpacked %v", got)
		}
	})
	t.Run("refuses a bomb before handing over any file", func(t *testing.T) {
		t.Parallel()
		got, err := unzip(t, "edoc_zip_bomb.edxml", ZipLimits{})
		wantErr(t, err, ErrLimit, "bom.pdf", "zip bomb")
		if len(got) != 0 {
			t.Errorf("handed over %v before refusing", got)
		}
	})
	t.Run("refuses more files than allowed", func(t *testing.T) {
		t.Parallel()
		_, err := unzip(t, "edoc_zip.edxml", ZipLimits{MaxEntries: 1})
		wantErr(t, err, ErrLimit, "more than 1 files")
	})
	t.Run("refuses a file over the size limit", func(t *testing.T) {
		t.Parallel()
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: "a.pdf", Method: zip.Store, Modified: time.Now()})
		w.Write(bytes.Repeat([]byte("x"), 4096))
		zw.Close()
		err := Unzip(bytes.NewReader(buf.Bytes()), int64(buf.Len()), ZipLimits{MaxEntryBytes: 1000}, func(string, io.Reader) error { return nil })
		if !errors.Is(err, ErrLimit) {
			t.Fatalf("err = %v, want a limit", err)
		}
	})
	t.Run("refuses what is not a zip", func(t *testing.T) {
		t.Parallel()
		err := Unzip(strings.NewReader("PK but no"), 9, ZipLimits{}, func(string, io.Reader) error { return nil })
		wantErr(t, err, ErrMalformed, "zipped attachment")
	})
}
