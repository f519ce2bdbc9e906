package archive

import (
	"encoding/json"
	"testing"

	"github.com/vanthu/vanthu/engine"
)

// FuzzImportMetadata feeds arbitrary metadata/record.json content to the import's
// reading of it: it must refuse or convert, never panic, and what it converts must name
// only known document types and flows the engine accepts.
func FuzzImportMetadata(f *testing.F) {
	f.Add([]byte(`{"identifier":"H23.2025.01.VX","fonds_code":"H23","code":"01.VX","title":"Hồ sơ","year":2025,
		"retention":"10 năm","start_date":"2025-01-02","end_date":"2025-12-20","documents":[{"flow":"outgoing",
		"type":"Quyết định","type_code":"QĐ","subject":"Quyết định","issued_date":"2025-03-01","files":[]}]}`))
	f.Add([]byte(`{"retention":"Vĩnh viễn","documents":[{"type":"Công văn","received_date":"2025-13-40"}]}`))
	f.Add([]byte(`{"retention":"-3 năm","documents":[{"type":"Không có"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var meta RecordMetadata
		if json.Unmarshal(data, &meta) != nil {
			return
		}
		in, err := importInput(&meta, nil, nil, "agency", "digest", "bag")
		if err != nil {
			return
		}
		if len(in.Documents) != len(meta.Documents) {
			t.Fatalf("%d documents converted from %d", len(in.Documents), len(meta.Documents))
		}
		for _, d := range in.Documents {
			if _, ok := engine.TypeByCode(d.TypeCode); !ok {
				t.Fatalf("unknown type code %q passed", d.TypeCode)
			}
		}
	})
}

func TestRetentionReadsWhatItWrote(t *testing.T) {
	t.Parallel()
	for _, r := range []engine.Retention{{Permanent: true}, {Years: 5}, {Years: 70}} {
		got, err := parseRetention(r.String())
		if err != nil || got != r {
			t.Fatalf("parseRetention(%q) = %+v, %v; want %+v", r.String(), got, err, r)
		}
	}
	for _, s := range []string{"", "mãi mãi", "năm", "x năm"} {
		if _, err := parseRetention(s); err == nil {
			t.Fatalf("parseRetention(%q) accepted", s)
		}
	}
}
