package edxml

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

// day is a civil date as the parser returns it (midnight, Vietnam time).
func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, vnZone) }

func readSample(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// edit replaces old with new in s and fails when old is absent, so a test
// built on an edit cannot pass by editing nothing.
func edit(t *testing.T, s, old, new string) string {
	t.Helper()
	if !strings.Contains(s, old) {
		t.Fatalf("sample does not contain %q", old)
	}
	return strings.Replace(s, old, new, 1)
}

// collector is an AttachmentSink that keeps every attachment.
type collector struct {
	names, types []string
	data         [][]byte
}

func (c *collector) sink(name, contentType string, r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	c.names = append(c.names, name)
	c.types = append(c.types, contentType)
	c.data = append(c.data, b)
	return nil
}

// wantErr checks the error kind and that the message names the element.
func wantErr(t *testing.T, err, kind error, mentions ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %v", kind)
	}
	if !errors.Is(err, kind) {
		t.Fatalf("error %q is not %v", err, kind)
	}
	for _, m := range mentions {
		if !strings.Contains(err.Error(), m) {
			t.Errorf("error %q does not mention %q", err, m)
		}
	}
}

func sum(b []byte) [32]byte { return sha256.Sum256(b) }

func mustBuild(t *testing.T, m *Message, atts ...Attachment) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := BuildMessage(&buf, m, atts...); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
