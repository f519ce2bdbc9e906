package api

import (
	"bytes"
	"fmt"
	"testing"
	"testing/iotest"
)

func TestScanActive(t *testing.T) {
	t.Parallel()
	cases := []struct {
		pdf  string
		want string
	}{
		{"%PDF-1.7 << /Type /Catalog >>", "[]"},
		{"<< /S /JavaScript /JS (x) >>", "[javascript]"},
		{"<< /JS(x) >>", "[javascript]"},
		{"<< /JSON 1 /JavaScriptX 2 >>", "[]"},
		{"<< /S /Launch /F (calc.exe) >>", "[launch]"},
		{"<< /AA << /O << /S /JavaScript >> >> /OpenAction << /S /Launch >> >>", "[javascript launch]"},
		{"trailer /JS", "[javascript]"},
	}
	for _, c := range cases {
		got, err := scanActive(bytes.NewReader([]byte(c.pdf)))
		if err != nil || fmt.Sprint(got) != c.want {
			t.Errorf("%q: %v %v, want %s", c.pdf, got, err, c.want)
		}
		// One byte at a time: a name split across reads is still found, and only once.
		got, err = scanActive(iotest.OneByteReader(bytes.NewReader([]byte(c.pdf))))
		if err != nil || fmt.Sprint(got) != c.want {
			t.Errorf("%q byte by byte: %v %v, want %s", c.pdf, got, err, c.want)
		}
	}
}

func FuzzScanActive(f *testing.F) {
	f.Add([]byte("<< /S /JavaScript /JS (x) >>"))
	f.Add([]byte("/Launch"))
	f.Add([]byte("/JSON"))
	f.Fuzz(func(t *testing.T, data []byte) {
		whole, err := scanActive(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		// However the bytes arrive, the answer is the same.
		chunked, err := scanActive(iotest.HalfReader(bytes.NewReader(data)))
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(whole) != fmt.Sprint(chunked) {
			t.Fatalf("%q: whole %v, in pieces %v", data, whole, chunked)
		}
		if len(whole) > 0 && !bytes.Contains(data, []byte("/J")) && !bytes.Contains(data, []byte("/Launch")) {
			t.Fatalf("%q flagged %v without any active name", data, whole)
		}
	})
}
